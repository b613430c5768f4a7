package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/backproof/backproof/plots"
	"github.com/backproof/backproof/plots/plotstest"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browser is the path of a Chromium (Debian's chromium, or a Chrome), or "".
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestReportInBrowser writes a report and opens its index.html from disk
// (file://) in headless Chromium: every image must have loaded
// (naturalWidth > 0) and the console must show no error — no missing
// file, no script error.
func TestReportInBrowser(t *testing.T) {
	path := browser()
	if path == "" {
		t.Skip("no Chromium found on PATH (chromium, chromium-browser, google-chrome): index.html is not checked in a browser; apt-get install chromium")
	}
	dir := t.TempDir()
	_, err := Write(plotstest.Results(t), dir, nil)
	require.NoError(t, err)

	// Flags for root in a container with no network: no sandbox, no GPU, no
	// background traffic, a fresh profile.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true), chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	url := "file://" + filepath.ToSlash(filepath.Join(dir, "index.html"))
	title, images, problems := loadPage(t, bctx, url)
	assert.Contains(t, title, "backproof report")
	require.Len(t, images, len(plots.ReportFigures))
	for _, im := range images {
		assert.True(t, im.Complete, "%s did not finish loading", im.Src)
		assert.Greater(t, im.Width, 0, "%s did not load (naturalWidth 0)", im.Src)
	}
	assert.Empty(t, problems, "the console showed errors")

	// The check can fail: with one figure missing, the browser reports it.
	require.NoError(t, os.Remove(filepath.Join(dir, "step-size.png")))
	_, images, problems = loadPage(t, bctx, url)
	broken := 0
	for _, im := range images {
		if im.Width == 0 {
			broken++
			assert.Equal(t, "step-size.png", im.Src)
		}
	}
	assert.Equal(t, 1, broken)
	assert.NotEmpty(t, problems, "a missing image shows as an error in the console")
}

type pageImage struct {
	Src      string `json:"src"`
	Complete bool   `json:"complete"`
	Width    int    `json:"width"`
}

// loadPage opens url and returns its title, its images and the console's
// errors and exceptions.
func loadPage(t *testing.T, bctx context.Context, url string) (string, []pageImage, []string) {
	t.Helper()
	// Subscribe before navigating so that no message is lost; read them
	// after the page and its images have loaded.
	// A fresh tab for each load.
	tab, closeTab := chromedp.NewContext(bctx)
	defer closeTab()
	cctx, stopConsole := context.WithCancel(tab)
	defer stopConsole()
	messages := chromedp.Console(cctx)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(url)), "loading %s", url)
	title, err := chromedp.Run(tab, chromedp.Title())
	require.NoError(t, err)
	images, err := chromedp.Run(tab, chromedp.Evaluate[[]pageImage](
		`Array.from(document.images).map(i => ({src: i.getAttribute("src"), complete: i.complete, width: i.naturalWidth}))`))
	require.NoError(t, err)
	var problems []string
	time.AfterFunc(500*time.Millisecond, stopConsole)
	for m, err := range messages {
		if err != nil {
			break // the half second is up: every message so far has been read
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			problems = append(problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
		}
	}
	return title, images, problems
}
