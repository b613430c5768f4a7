package web_test

import (
	"context"
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

var screenshot = flag.String("screenshot", "", "write a screenshot of the page, as a phone shows it, to this PNG file (docs/img/web.png)")

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

// TestSiteSize: the site is every file it needs and at most 1.5 MB
// gzip-compressed.
func TestSiteSize(t *testing.T) {
	dir := site(t)
	for _, f := range web.Files {
		info, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(0), f)
	}
	raw, gz, err := web.Size(dir)
	require.NoError(t, err)
	t.Logf("site: %d bytes, %d gzip-compressed", raw, gz)
	assert.LessOrEqual(t, gz, int64(1_500_000), "the site is larger than 1.5 MB gzip-compressed")
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

// after waits until the page has shown more than n checks and returns
// the verdict and the report's text.
func (p *page) after(n int) (verdict, report string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](fmt.Sprintf(`Number(document.getElementById("verdict").dataset.checks || 0) > %d`, n),
		chromedp.WithPollingTimeout(60*time.Second)))
	require.NoError(p.t, err, "waiting for check %d", n+1)
	return eval[string](p, `document.getElementById("verdict").textContent`), eval[string](p, `document.getElementById("report").innerText`)
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
// its value changed, which fires an input event.
func (p *page) choose(id, value string) {
	p.t.Helper()
	eval[any](p, fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.focus(); s.value = %q; s.dispatchEvent(new Event("input")); })()`, id, value))
}

// TestPageInBrowser serves the site and uses it as a learner does, in
// headless Chromium at a phone's width: pastes a right derivation, one
// without a 1/m and one with a syntax error, and opens a shared link,
// reading the verdicts; the console shows no error.
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

	if *screenshot != "" {
		p.paste(noMean)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
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
	assert.Empty(t, stop(), "the console showed errors")
}
