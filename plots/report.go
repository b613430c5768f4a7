package plots

import (
	"github.com/backproof/backproof/experiments"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// ReportFigure is one figure of the report: its fixed file name (other
// tools look for it), title, and how its picture and its caption are made
// from the results (the caption is a template filled from the same
// results, see captions.go).
type ReportFigure struct {
	File    string
	Title   string
	Caption func(r *experiments.Results) string
	Draw    func(r *experiments.Results) ([]byte, error)
}

// one draws a single-panel figure at the report's usual size, its legend
// beside the data.
func one(f func() (*plot.Plot, error)) ([]byte, error) {
	pl, err := f()
	if err != nil {
		return nil, err
	}
	return SideLegend(pl, figureWidth+2.5*vg.Inch, panelHeight, 2.6*vg.Inch)
}

// ReportFigures are the report's figures, in the order a reader meets them.
var ReportFigures = []ReportFigure{
	{File: "gradcheck-heatmap.png", Title: "Is my gradient right? Each entry against finite differences",
		Caption: func(r *experiments.Results) string { return GradcheckCaption(r.Gradcheck) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return Gradcheck(r.Gradcheck) }},
	{File: "step-size.png", Title: "How small a step h? The error of each finite difference",
		Caption: func(r *experiments.Results) string { return StepCaption(r.StepCurves) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return StepSize(r.StepCurves, experiments.Describe(r.StepProblem))
		}},
	{File: "conventions.png", Title: "Row, column or per-example? The same gradient in three layouts",
		Caption: func(r *experiments.Results) string { return LayoutGradientsCaption(r.LayoutGrads) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return LayoutGradients(r.LayoutGrads) }},
	{File: "batch-mean-vs-sum.png", Title: "Where does 1/m go? Sum against mean over the mini-batch",
		Caption: func(r *experiments.Results) string { return BatchCaption(r.Batches) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return BatchMeanVsSum(r.Batches) })
		}},
	{File: "init-loss.png", Title: "Why doesn't it learn? The cost for each init",
		Caption: func(r *experiments.Results) string { return InitLossCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return InitLoss(r.Inits) })
		}},
	{File: "init-accuracy.png", Title: "The accuracy for each init",
		Caption: func(r *experiments.Results) string { return InitAccuracyCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return InitAccuracy(r.Inits) })
		}},
	{File: "gradient-norms.png", Title: "The gradient of each layer, for each init",
		Caption: func(r *experiments.Results) string { return GradientNormsCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return GradientNorms(r.Inits) })
		}},
	{File: "saturation.png", Title: "Saturated hidden units, for each init",
		Caption: func(r *experiments.Results) string { return SaturationCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return Saturation(r.Inits) })
		}},
	{File: "learning-rate.png", Title: "Too small, right, too large: the learning rate η",
		Caption: func(r *experiments.Results) string { return LearningRateCaption(r.Etas) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return LearningRate(r.Etas) })
		}},
	{File: "curvature.png", Title: "Saddle point, local minimum or plateau? The curvature along training",
		Caption: func(r *experiments.Results) string { return CurvatureCaption(r.Tracks) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return Curvature(r.Tracks) }},
	{File: "loss-surface.png", Title: "What a saddle, a plateau and a minimum look like",
		Caption: func(r *experiments.Results) string { return LossSurfaceCaption(r.Slices) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return LossSurface(r.Slices) }},
	{File: "saddle-escape.png", Title: "Sitting on a saddle, and leaving it",
		Caption: func(r *experiments.Results) string { return SaddleEscapeCaption(r.Saddle) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return SaddleEscape(r.Saddle) }},
	{File: "regularization.png", Title: "Is my regularized gradient right? The L2 term and dropout, entry by entry",
		Caption: func(r *experiments.Results) string { return RegularizationCaption(r.Regularization) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return Gradcheck(r.Regularization) }},
}

// Sources names the report's sources at their first mention.
const Sources = `The questions are those of the Physics Forums thread "Derivative of Cost Function with Respect to ` +
	`Output Layer Weight" (a learner's derivation of ∂C/∂W for MNIST, and a network that would not learn), answered ` +
	`with the network and data of Michael Nielsen's book "Neural Networks and Deep Learning" ` +
	`(neuralnetworksanddeeplearning.com), chapter 1; the relative error is the one of the CS231n notes on gradient checking.`
