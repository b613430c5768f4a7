package bridge

import (
	"bytes"

	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/problem"
)

// Problem is `backproof check ARGS… --save problem.json` for the random
// problem the flags describe (--net, --batch, --act, --cost, --reduction,
// --convention, --init, --seed): Output.File is what it writes to
// problem.json.
func Problem(args []string) Output {
	return Run(func(stdout *bytes.Buffer, say func(string)) (string, error) {
		nf := newNetFlags()
		if err := nf.parse(args); err != nil {
			return "", badInput(err)
		}
		spec, err := nf.spec()
		if err != nil {
			return "", badInput(err)
		}
		p, err := problem.Random(spec)
		if err != nil {
			return "", badInput(err)
		}
		raw, err := p.MarshalJSON()
		if err != nil {
			return "", err
		}
		if raw, err = jsonio.Indent(raw, "", " "); err != nil { // as json.MarshalIndent(p, "", " ")
			return "", err
		}
		stdout.Write(raw)
		stdout.WriteByte('\n')
		return "", nil
	})
}
