package web_test

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backproof/backproof/web"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var screenshot = flag.String("screenshot", "", "write a screenshot of the page's derivation and its report, as a phone shows them, to this PNG file (docs/img/web.png)")

var (
	buildOnce sync.Once
	siteDir   string
	buildErr  error
)

// site builds the site once for every test of the binary; the go tool's
// cache makes a build after the first take seconds.
func site(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if siteDir, buildErr = os.MkdirTemp("", "backproof-web-test-"); buildErr == nil {
			buildErr = web.Build(siteDir, &web.Settings{Source: ".."})
		}
	})
	require.NoError(t, buildErr)
	return siteDir
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if siteDir != "" {
		os.RemoveAll(siteDir)
	}
	os.Exit(code)
}

// TestSiteSize: the site is every file it needs, and the page, with its
// one checker of derivations and arrays, loads at most 1.5 MB
// gzip-compressed, the most the page may weigh. Go's runtime and the
// checker's data (the tables of every function, types, strings) are most
// of it, the check itself (formula, the root package's judge, numgrad,
// derive, compare, gonum) the rest; docs/web.md gives the numbers and
// what was cut to get under the bound (fmt, encoding/json and most of
// reflect, TestPageLinksNoReflection; the data segments joined,
// TestPackSegmentsOnTheChecker).
func TestSiteSize(t *testing.T) {
	dir := site(t)
	for _, f := range web.Files {
		info, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(0), f)
	}
	raw, gz, err := web.Size(dir, web.Files)
	require.NoError(t, err)
	t.Logf("site: %d bytes, %d gzip-compressed", raw, gz)
	assert.LessOrEqual(t, gz, int64(1_500_000), "the page is larger than 1.5 MB gzip-compressed")
	assert.Less(t, gz, raw/2, "gzip sizes are measured compressed")
}

// browser is the path of a Chromium (Debian's chromium, or a Chrome), or "".
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The derivations pasted: right (row convention, quadratic cost, mean
// reduction, in the header), without the 1/m of dW2, and with a
// parenthesis that never closes (line 2, from column 13).
const (
	right = `# backproof: --convention row --cost quadratic --reduction mean
dZ2 = (A2 - Y) ⊙ sigmoid'(Z2)
dW2 = A1ᵀ @ dZ2 / m
db2 = sum(dZ2, 0) / m
dZ1 = (dZ2 @ W2ᵀ) ⊙ sigmoid'(Z1)
dW1 = Xᵀ @ dZ1 / m
db1 = sum(dZ1, 0) / m
`
	// twenty lines: a three-layer network's forward and backward pass.
	twenty = `# backproof: --convention row --act sigmoid --cost quadratic --reduction mean
Z1 = X @ W1 + b1
A1 = sigmoid(Z1)
Z2 = A1 @ W2 + b2
A2 = sigmoid(Z2)
Z3 = A2 @ W3 + b3
A3 = sigmoid(Z3)
dA3 = (A3 - Y) / m
dZ3 = dA3 ⊙ sigmoid'(Z3)
dW3 = A2ᵀ @ dZ3
db3 = sum(dZ3, 0)
dA2 = dZ3 @ W3ᵀ
dZ2 = dA2 ⊙ sigmoid'(Z2)
dW2 = A1ᵀ @ dZ2
db2 = sum(dZ2, 0)
dA1 = dZ2 @ W2ᵀ
dZ1 = dA1 ⊙ sigmoid'(Z1)
dW1 = Xᵀ @ dZ1
db1 = sum(dZ1, 0)
norm1 = sum(dW1 * dW1)
`
	noMean = `dZ2 = (A2 - Y) * sigmoid'(Z2)
dW2 = A1.T @ dZ2
db2 = sum(dZ2, 0) / m
`
	syntax = `dZ2 = (A2 - Y) * sigmoid'(Z2)
dW2 = A1.T @ (dZ2 / m
`
)

// page is one tab on the served site, with the console's errors.
type page struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	done     chan struct{}
}

// open opens a tab (in the browser of bctx) that records the console's
// errors and exceptions from before it loads url; stop ends the recording
// and returns them.
func open(t *testing.T, bctx context.Context, url string) (p *page, stop func() []string) {
	t.Helper()
	tab, closeTab := chromedp.NewContext(bctx)
	p = &page{t: t, ctx: tab, done: make(chan struct{})}
	cctx, stopConsole := context.WithCancel(tab)
	messages := chromedp.Console(cctx)
	go func() {
		defer close(p.done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.problems = append(p.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				p.mu.Unlock()
			}
		}
	}()
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(url)), "loading %s", url)
	return p, func() []string {
		stopConsole()
		<-p.done
		closeTab()
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.problems
	}
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	require.NoError(p.t, chromedp.Do(p.ctx, actions...))
}

func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	require.NoError(p.t, err, js)
	return v
}

// checks is how many checks the page has shown.
func (p *page) checks() int {
	return eval[int](p, `Number(document.getElementById("verdict").dataset.checks || 0)`)
}

// collections is how many times the page has run Go's collector.
func (p *page) collections() int {
	return eval[int](p, `Number(document.getElementById("verdict").dataset.collections || 0)`)
}

// after waits until the page has shown more than n checks and returns
// the verdict and the report's text.
func (p *page) after(n int) (verdict, report string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](fmt.Sprintf(`Number(document.getElementById("verdict").dataset.checks || 0) > %d`, n),
		chromedp.WithPollingTimeout(60*time.Second)))
	require.NoError(p.t, err, "waiting for check %d", n+1)
	return eval[string](p, `document.getElementById("verdict").textContent`), eval[string](p, `document.getElementById("report").innerText`)
}

// arraysAfter waits until the page has shown more than n checks of
// arrays and returns their verdict and report.
func (p *page) arraysAfter(n int) (verdict, report string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](fmt.Sprintf(`Number(document.getElementById("check-verdict").dataset.checks || 0) > %d`, n),
		chromedp.WithPollingTimeout(90*time.Second)))
	require.NoError(p.t, err, "waiting for the check of arrays %d", n+1)
	return eval[string](p, `document.getElementById("check-verdict").textContent`), eval[string](p, `document.getElementById("check-report").innerText`)
}

// paste replaces the derivation as a paste does: the textarea's text
// selected and the new text inserted, which fires one input event.
func (p *page) paste(src string) (verdict, report string) {
	p.t.Helper()
	n := p.checks()
	p.do(chromedp.Focus(chromedp.ID("code")),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			eval[any](p, `document.getElementById("code").select()`)
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: src})
			return err
		}))
	return p.after(n)
}

// choose sets a setting as a keyboard user does: the select focused and
// its value changed, which fires an input event; it waits for the check
// that the change starts, so that it is not taken for the next one's.
func (p *page) choose(id, value string) (verdict, report string) {
	p.t.Helper()
	n := p.checks()
	eval[any](p, fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.focus(); s.value = %q; s.dispatchEvent(new Event("input")); })()`, id, value))
	return p.after(n)
}

// TestPageInBrowser serves the site and uses it as a learner does, in
// headless Chromium at a phone's width: pastes a right derivation, one
// without a 1/m and one with a syntax error; makes a problem, loads one
// and drops numpy's gradients of it; opens a shared link, and opens it
// again with the server gone, reading the verdicts; the console shows no
// error.
func TestPageInBrowser(t *testing.T) {
	path := browser()
	if path == "" {
		t.Skip("no Chromium found on PATH (chromium, chromium-browser, google-chrome): the page is not checked in a browser; apt-get install chromium")
	}
	srv := httptest.NewServer(web.Handler(site(t)))
	defer srv.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(412, 915), // a phone's width
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(bctx)) // start the browser

	// The page checks its example as soon as the checker has started.
	p, stop := open(t, bctx, srv.URL+"/")
	verdict, _ := p.after(0)
	assert.True(t, strings.HasPrefix(verdict, "PASS: "), "the example: %q", verdict)

	// The learner's first check: twenty lines pasted as soon as the page
	// shows its example's verdict, then checked again as one more key
	// does. The times are logged, not asserted (a loaded machine makes
	// any time; BenchmarkFormulaTwentyLines times the check natively):
	// the check drawn, and from the keystroke, which holds the page's
	// 60 ms pause and any of the page's own warm-up checks still running.
	warm := eval[string](p, `document.getElementById("verdict").dataset.warm || "0"`)
	verdict, _ = p.paste(twenty)
	assert.Equal(t, "PASS: every checked line is correct (18 lines, 6 of them dW or db)", verdict)
	ms := func() string {
		return eval[string](p, `(({ms, fromInput}) => ms + " ms, " + fromInput + " ms from the keystroke")(document.getElementById("verdict").dataset)`)
	}
	first := ms()
	collected := p.collections()
	p.paste(twenty + "\n")
	t.Logf("the learner's first check, twenty lines (%s of the page's warm-up checks run when pasted): %s; the next keystroke's: %s", warm, first, ms())
	// Go's collector runs once a check is painted, not inside the next.
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](fmt.Sprintf(`Number(document.getElementById("verdict").dataset.collections || 0) > %d`, collected),
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "no collection after the check drawn")

	// Dropout's keep probability, chosen on the page as --keep-prob is
	// given on the command line, for Ng's backward pass with dropout.
	dropout, err := os.ReadFile("../cli/testdata/ng-dropout.py")
	require.NoError(t, err)
	p.choose("keep-prob", "0.8")
	verdict, _ = p.paste(string(dropout))
	assert.Equal(t, "PASS: every checked line is correct (15 lines, 6 of them dW or db)", verdict)
	assert.Contains(t, eval[string](p, `document.getElementById("command").textContent`), "--keep-prob 0.8")
	p.choose("keep-prob", "")

	verdict, report := p.paste(right)
	assert.Equal(t, "PASS: every checked line is correct (6 lines, 4 of them dW or db)", verdict)
	assert.Contains(t, report, "line 3: dW2 = A1ᵀ @ dZ2 / m")

	// dW2's missing 1/m is named; the settings say mean, as the
	// command line's flags would.
	p.choose("reduction", "mean")
	verdict, report = p.paste(noMean)
	assert.True(t, strings.HasPrefix(verdict, "FAIL: dW2 (line 2) wrong"), verdict)
	assert.Contains(t, report, "missing-1/m")

	verdict, report = p.paste(syntax)
	assert.True(t, strings.HasPrefix(verdict, "ERROR: derivation.txt:2:"), verdict)
	assert.Regexp(t, `derivation\.txt:2:\d+: `, report, "the syntax error's line and column")
	t.Logf("the last check took %s ms in the page", eval[string](p, `document.getElementById("verdict").dataset.ms`))

	p.choose("reduction", "mean")

	// Your arrays: a problem made on the page is a problem file of the
	// settings chosen (the row convention: X is m×n0).
	p.do(chromedp.SetValue(chromedp.ID("net"), "4,3,2"), chromedp.SetValue(chromedp.ID("batch"), "5"), chromedp.Click(chromedp.ID("make")))
	_, err = chromedp.Run(p.ctx, chromedp.Poll[bool](`document.getElementById("problem-summary").textContent.startsWith("problem.json:")`,
		chromedp.WithPollingTimeout(90*time.Second)))
	require.NoError(t, err, eval[string](p, `document.getElementById("problem-summary").textContent`))
	made, err := chromedp.Run(p.ctx, chromedp.Evaluate[map[string]any](
		`fetch(document.getElementById("download").href).then((r) => r.json())`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, "row", made["convention"])
	assert.Len(t, made["layers"], 2)
	assert.Len(t, made["X"], 5)
	assert.Len(t, made["X"].([]any)[0], 4)

	// A problem loaded from a file, and numpy's gradient of it without
	// the 1/m (gradfile/testdata/gen.py), dropped on the page.
	testdata, err := filepath.Abs("../gradfile/testdata")
	require.NoError(t, err)
	p.do(chromedp.SetUploadFiles(chromedp.ID("problem-file"), []string{filepath.Join(testdata, "row-problem.json")}))
	_, err = chromedp.Run(p.ctx, chromedp.Poll[bool](`document.getElementById("problem-summary").textContent === "loaded row-problem.json"`))
	require.NoError(t, err)
	npz, err := os.ReadFile(filepath.Join(testdata, "row-missing-1m.npz"))
	require.NoError(t, err)
	n := eval[int](p, `Number(document.getElementById("check-verdict").dataset.checks || 0)`)
	eval[any](p, fmt.Sprintf(`(() => {
		const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], "mine.npz"));
		document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`, base64.StdEncoding.EncodeToString(npz)))
	verdict, report = p.arraysAfter(n)
	assert.True(t, strings.HasPrefix(verdict, "FAIL: dW1, db1, dW2 and db2 are wrong"), verdict)
	assert.Contains(t, report, "WRONG [missing-1/m]")
	assert.Regexp(t, `entry\tyours\tbackprop\tnumeric\trel error\n\(\d, [Wb], `, report, "the worst entries, yours beside backpropagation's and the numeric")
	assert.Equal(t, 4, eval[int](p, `document.querySelectorAll("#check-report canvas").length`), "a heat map for each array")
	t.Logf("the wrong gradient's check took %s ms in the page, the first check of arrays", eval[string](p, `document.getElementById("check-verdict").dataset.ms`))

	n = eval[int](p, `Number(document.getElementById("check-verdict").dataset.checks || 0)`)
	p.do(chromedp.SetUploadFiles(chromedp.ID("gradient-file"), []string{filepath.Join(testdata, "row-right.npz")}))
	verdict, _ = p.arraysAfter(n)
	assert.True(t, strings.HasPrefix(verdict, "PASS"), verdict)
	t.Logf("the right gradient's check took %s ms in the page", eval[string](p, `document.getElementById("check-verdict").dataset.ms`))

	if *screenshot != "" {
		p.paste(noMean)
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.ID("derivation")))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(*screenshot, png, 0o644))
	}
	assert.Empty(t, stop(), "the console showed errors")

	// A shared link runs its check on load: the fragment's settings (sum
	// reduction) with the code, which has no header.
	frag := url.Values{"convention": {"row"}, "act": {"sigmoid"}, "cost": {"quadratic"}, "reduction": {"sum"}, "code": {noMean}}
	shared, stop := open(t, bctx, srv.URL+"/#"+strings.ReplaceAll(frag.Encode(), "+", "%20"))
	verdict, _ = shared.after(0)
	assert.True(t, strings.HasPrefix(verdict, "FAIL: db2 (line 3) wrong"), "with sum, db2's /m is the mistake: %q", verdict)
	assert.Equal(t, "sum", eval[string](shared, `document.getElementById("reduction").value`))
	assert.Equal(t, noMean, eval[string](shared, `document.getElementById("code").value`))

	// Offline: once the page has loaded, its service worker serves it,
	// and it checks, with the server gone.
	_, err = chromedp.Run(shared.ctx, chromedp.Poll[bool](`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil { // the first load is not yet controlled: the next is
		shared.do(chromedp.Reload())
		_, err = chromedp.Run(shared.ctx, chromedp.Poll[bool](`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(30*time.Second)))
	}
	state, _ := chromedp.Run(shared.ctx, chromedp.Evaluate[string](`navigator.serviceWorker.getRegistration().then((r) => r ? [r.active && r.active.state, r.installing && "installing", r.waiting && "waiting"].join(" ") : "no registration")`, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "the service worker controls the page (%s)", state)
	srv.Close()
	shared.do(chromedp.Reload())
	verdict, _ = shared.after(0)
	assert.True(t, strings.HasPrefix(verdict, "FAIL: db2 (line 3) wrong"), "offline: %q", verdict)
	assert.Empty(t, stop(), "the console showed errors")
}

// TestBuildRefusesAFolderThatHoldsFiles: Build writes only into an empty
// folder of its own; one that holds a file (here a learner's index.html)
// is refused before anything is compiled or written, and stays as it was.
func TestBuildRefusesAFolderThatHoldsFiles(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "index.html")
	require.NoError(t, os.WriteFile(mine, []byte("my own page"), 0o644))
	err := web.Build(dir, &web.Settings{Source: ".."})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not empty (it holds index.html)")
	got, err := os.ReadFile(mine)
	require.NoError(t, err)
	assert.Equal(t, "my own page", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "Build wrote into the folder it refused")

	err = web.Build(filepath.Join(dir, "missing"), &web.Settings{Source: ".."})
	assert.ErrorContains(t, err, "the site's folder")
}
