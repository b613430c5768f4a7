package plots

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/backproof/backproof/plots/plotstest"
	"github.com/stretchr/testify/require"
)

// TestReportGolden draws every report figure from plotstest.Results and compares
// it with testdata/<name>_golden.png (-regen rewrites them).
func TestReportGolden(t *testing.T) {
	r := plotstest.Results(t)
	for _, f := range ReportFigures {
		t.Run(f.File, func(t *testing.T) {
			got, err := f.Draw(r)
			require.NoError(t, err)
			_, err = png.Decode(bytes.NewReader(got))
			require.NoError(t, err)
			matchGolden(t, "report-"+strings.TrimSuffix(f.File, ".png"), got)
		})
	}
}
