package plots

import (
	"image/color"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
)

// initNames are the inits as the thread and the books write them, for
// legends and captions (the CLI's names, such as uniform01, are for typing).
var initNames = map[derive.Init]string{
	derive.Normal:       "N(0,1)",
	derive.NormalScaled: "N(0,1)/√n_in",
	derive.Uniform01:    "U[0,1)",
	derive.UniformHalf:  "U[−0.5,0.5)",
	derive.Uniform1:     "U[−1,1)",
	derive.Xavier:       "Xavier",
	derive.He:           "He",
}

// initColors give each init one colour in every figure of the report and
// the lessons: U[0,1), the thread's stuck start, is red.
var initColors = map[derive.Init]color.Color{
	derive.Normal:       palette10[0],
	derive.NormalScaled: palette10[1],
	derive.Uniform01:    palette10[3],
	derive.UniformHalf:  palette10[2],
	derive.Uniform1:     palette10[5],
	derive.Xavier:       palette10[4],
	derive.He:           palette10[6],
}

// InitName is how a figure names an init: "U[0,1)" for uniform01.
func InitName(in derive.Init) string {
	if s, ok := initNames[in]; ok {
		return s
	}
	return in.String()
}

// initStyle names and colours each run of an init sweep by its init.
func initStyle(runs []experiments.Run) func(i int) (string, seriesStyle) {
	return func(i int) (string, seriesStyle) {
		in := runs[i].History.Config.Init
		col, ok := initColors[in]
		if !ok {
			col = palette10[i%len(palette10)]
		}
		return InitName(in), seriesStyle{color: col}
	}
}
