package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/plots"
	"github.com/backproof/backproof/render/report"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() { commands = append(commands, reportCommand) }

// reportPresets are the variants of the report by name; tests swap in a
// tiny one.
var reportPresets = map[string]func() experiments.ReportSettings{
	"quick": experiments.QuickReport,
	"full":  experiments.FullReport,
}

// reportFigureWritten is called after each figure of the report is
// written (to its staging folder); tests pause there to interrupt a report
// mid-write.
var reportFigureWritten = func(file string) {}

func reportCommand() *cobra.Command {
	var (
		out, mnist        string
		quick, full       bool
		force             bool
		epochs, trainSize int
		seed              uint64
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Run the report's experiments and write its figures, index.html and index.md",
		Long: `report answers the questions of the Physics Forums thread "Derivative of Cost
Function with Respect to Output Layer Weight" in pictures, on the network and
MNIST data of Nielsen's "Neural Networks and Deep Learning", chapter 1. It runs
a fixed set of experiments and writes into --out:

  index.html, index.md      the report, each figure with its caption
  gradcheck-heatmap.png     each gradient entry against finite differences,
                            correct and with planted mistakes
  step-size.png             finite-difference error against the step h
  conventions.png           one gradient in the row, column and per-example layouts
  batch-mean-vs-sum.png     sum against mean over the mini-batch at a fixed η
  init-loss.png, init-accuracy.png, gradient-norms.png, saturation.png
                            MNIST runs from four inits
  learning-rate.png         an η sweep, 0.001 to 100
  curvature.png             gradient norm and Hessian extremes along training:
                            the XOR saddle, U[0,1) with its flat layer 1, N(0,1)
  loss-surface.png          the cost around a saddle, a plateau and a minimum
  saddle-escape.png         a run that sits on a saddle and leaves it
  regularization.png        a gradient with an L2 term and dropout, correct
                            and with the L2 term, a mask or a 1/p left out

By default the report is quick: 4 epochs on the first 10,000 training images,
under a minute on two cores (about 10 seconds when nothing else runs).
--full reproduces chapter 1: 30 epochs on all 50,000 (94 s measured on two
idle cores, 221 s with other work on them). --epochs and --train-size change either. Progress
goes to stderr: a bar naming the stage and the time left when stderr is a
terminal, else one line per stage.

The report is written beside --out and takes its place only when complete,
so a browser showing it sees the old report or the new one, never a mix; an
interrupted or failed run leaves --out as it was. --out must be missing,
empty, or a report backproof wrote (it leaves a .backproof-report file
listing its files); a folder holding other files is refused, unless --force,
which writes the report's files into it and keeps the others.

Exit status: 0 written; 2 bad flags, MNIST not found, or --out not writable;
3 internal error (a bug: please report it).`,
		Example: `  backproof report                    # report/index.html, in under a minute
  backproof report --full --out ch1   # chapter 1's settings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			if quick && full {
				return badInput(errors.New("--quick and --full: choose one"))
			}
			name := "quick"
			if full {
				name = "full"
			}
			s := reportPresets[name]()
			if cmd.Flags().Changed("epochs") {
				if epochs < 1 || epochs > 1000 {
					return badInput(fmt.Errorf("--epochs %d: want 1 to 1000", epochs))
				}
				s.Epochs, s.Name = epochs, s.Name+", --epochs "+fmt.Sprint(epochs)
			}
			if cmd.Flags().Changed("train-size") {
				if trainSize < 0 || (trainSize > 0 && trainSize < 100) || trainSize > 50000 {
					return badInput(fmt.Errorf("--train-size %d: want 100 to 50000 (or 0 for all)", trainSize))
				}
				s.TrainSize, s.Name = trainSize, s.Name+", --train-size "+fmt.Sprint(trainSize)
			}
			if cmd.Flags().Changed("seed") { // 1 or more: addSeedFlag refuses 0
				s.Seed = seed
			}
			// Probes after the last epoch at most.
			var cps []int
			for _, c := range s.Checkpoints {
				if c <= s.Epochs {
					cps = append(cps, c)
				}
			}
			s.Checkpoints = cps
			var paths files
			paths.input("--mnist", mnist)
			paths.outputFolder("--out", out)
			if err := paths.check(); err != nil {
				return badInput(err)
			}
			// The folder is checked and its replacement staged before the
			// experiments run, which take seconds to minutes.
			tx := outfile.Begin()
			defer tx.Abort()
			folder, err := reserveFolder(tx, "--out", out, reportFolder, force)
			if err != nil {
				return err
			}
			bar := newReportBar(cmd.ErrOrStderr())
			bar.set(experiments.Status{Stage: 1, Stages: stages, Name: "loading MNIST"})
			tr, va, te, err := data.LoadMNIST(mnist, data.Unit)
			if err != nil {
				bar.finish()
				return badInput(fmt.Errorf("--mnist: %v", err))
			}
			if err := fitReport(&s, tr.Len(), cmd.Flags().Changed("train-size")); err != nil {
				bar.finish()
				return badInput(err)
			}
			res, err := experiments.RunReport(experiments.Sets{Train: tr, Validation: va, Test: te}, s,
				func(st experiments.Status) { st.Stages = stages; bar.set(st) })
			if err != nil {
				bar.finish()
				return internal(err) // fixed, validated settings on the real data: a bug
			}
			res.Seconds = time.Since(start).Seconds() // the MNIST load included
			figures := len(plots.ReportFigures)
			draw := experiments.Status{Stage: stages, Stages: stages, Name: fmt.Sprintf("drawing %d figures", figures), Total: float64(figures)}
			drawStart := time.Now()
			bar.set(draw)
			written, err := report.Write(res, folder.Path(), func(file string) {
				draw.Done++
				draw.What = file
				draw.Left = time.Duration(float64(time.Since(drawStart)) / draw.Done * (draw.Total - draw.Done))
				bar.set(draw)
				reportFigureWritten(file)
			})
			bar.finish()
			if err != nil {
				return badInput(fmt.Errorf("--out %s: %v", out, pathErr(err)))
			}
			if err := commit(tx); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s, %s and %d figures in %.0f s\n",
				filepath.Join(out, "index.html"), filepath.Join(out, "index.md"), len(written)-2, time.Since(start).Seconds())
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&out, "out", "report", "folder to write the report into (created if missing; replaced as a whole if a report is there)")
	fs.BoolVar(&force, "force", false, "write into --out even though it holds files backproof did not write (files of the report's names are replaced, others kept)")
	fs.BoolVar(&quick, "quick", false, "the quick report (the default): 4 epochs on 10,000 training images")
	fs.BoolVar(&full, "full", false, "chapter 1's settings: 30 epochs on all 50,000 training images")
	fs.IntVar(&epochs, "epochs", 0, "epochs of every MNIST run (default 4, or 30 with --full)")
	fs.IntVar(&trainSize, "train-size", 0, "training images of every MNIST run (default 10000, or all 50000 with --full)")
	addSeedFlag(fs, &seed, "seed of every MNIST run, problem and probe")
	fs.StringVar(&mnist, "mnist", "", "folder with the MNIST .gz files (default: $"+data.EnvMNIST+", else the GoMNIST module)")
	return cmd
}

// fitReport fits the settings to a training set of n images (a folder of
// MNIST files may hold fewer than 60,000): a preset's training size larger
// than the set becomes the whole set, and the report's head says so; a
// --train-size larger than the set is refused. Nothing the files hold may
// reach the experiments as settings they refuse: that would be reported as
// a bug.
func fitReport(s *experiments.ReportSettings, n int, trainSizeGiven bool) error {
	if s.TrainSize > n {
		if trainSizeGiven {
			return fmt.Errorf("--train-size %d: the MNIST folder has %d training images once the last %d are held out for validation",
				s.TrainSize, n, data.ValidationSize)
		}
		s.TrainSize = 0
		s.Name += fmt.Sprintf(", all %d training images of the folder", n)
	}
	s.ProbeExamples = min(s.ProbeExamples, n)
	return nil
}

// stages are the report's stages: the experiments' and the figures.
const stages = experiments.Stages + 1

// reportBar shows the report's progress on stderr: a bar naming the stage,
// what is under way and the time left when stderr is a terminal, else one
// line per stage, written once the stage's time left is estimated (or the
// stage ends first), so that a log shows where the time goes.
type reportBar struct {
	bar   *progressbar.ProgressBar
	lines io.Writer // without a terminal
	// stage is the stage under way; told, whether its line is written.
	stage int
	told  bool
	last  experiments.Status
}

func newReportBar(stderr io.Writer) *reportBar {
	b := &reportBar{}
	if file, ok := stderr.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		b.bar = progressbar.NewOptions(1000, progressbar.OptionSetWriter(file),
			progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond))
	} else {
		b.lines = stderr
	}
	return b
}

func (b *reportBar) set(st experiments.Status) {
	if st.Stage != b.stage {
		b.line()
		b.stage, b.told = st.Stage, false
	}
	b.last = st
	if b.bar != nil {
		b.bar.Describe(stageWords(st) + leftWords(st) + whatWords(st))
		if st.Total > 0 {
			b.bar.Set(int(1000 * st.Done / st.Total))
		}
		return
	}
	if st.Left > 0 {
		b.line()
	}
}

// line writes the line of the stage under way, once.
func (b *reportBar) line() {
	if b.lines == nil || b.told || b.stage == 0 {
		return
	}
	b.told = true
	fmt.Fprintf(b.lines, "report: %s%s\n", stageWords(b.last), leftWords(b.last))
}

func stageWords(st experiments.Status) string {
	return fmt.Sprintf("stage %d of %d, %s", st.Stage, st.Stages, st.Name)
}

func leftWords(st experiments.Status) string {
	switch {
	case st.Total > 0 && st.Done >= st.Total:
		return ": done"
	case st.Left > 0:
		return fmt.Sprintf(": about %s left", max(st.Left.Round(time.Second), time.Second))
	}
	return ""
}

func whatWords(st experiments.Status) string {
	if st.What == "" {
		return ""
	}
	return " (" + st.What + ")"
}

func (b *reportBar) finish() {
	b.line()
	if b.bar != nil {
		b.bar.Clear()
	}
}
