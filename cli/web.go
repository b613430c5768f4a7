package cli

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/web"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, webCommand) }

// webFolder is a folder `web --out` wrote.
var webFolder = outfile.Kind{Marker: ".backproof-web"}

func webCommand() *cobra.Command {
	var (
		out, serve string
		force      bool
	)
	cmd := &cobra.Command{
		Use:   "web",
		Short: "Write (or serve) the page that checks derivations in the browser",
		Long: `web writes backproof's page in the browser into --out DIR: a static site
(index.html, its script and style, and the checker compiled to WebAssembly)
that any static file server serves, with nothing running on the server. The
page checks a pasted derivation as backproof formula does, line by line, as
you type; its URL fragment holds the check, so the address is a link to it.

The checker is compiled now, from this checkout's source, by the go tool
(GOOS=js GOARCH=wasm go build ./web/wasm): the first run takes a minute,
later ones reuse the go tool's cache. --serve ADDR serves the site at ADDR
(such as localhost:8080) until interrupted; without --out it serves a
temporary copy.`,
		Example: `  backproof web --out site
  backproof web --serve localhost:8080
  go run ./cmd/backproof web --out site --serve localhost:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" && serve == "" {
				return badInput(fmt.Errorf("give --out DIR to write the site, --serve ADDR to serve it, or both"))
			}
			var ln net.Listener
			if serve != "" {
				var err error
				if ln, err = net.Listen("tcp", serve); err != nil {
					return badInput(fmt.Errorf("--serve %s: %v", serve, err))
				}
				defer ln.Close()
			}
			tx := outfile.Begin()
			defer tx.Abort()
			dir := out
			if dir == "" {
				dir = filepath.Join(os.TempDir(), fmt.Sprintf("backproof-web-%d", os.Getpid()))
			}
			folder, err := reserveFolder(tx, "--out", dir, webFolder, force)
			if err != nil {
				return err
			}
			if err := web.Build(folder.Path(), nil); err != nil {
				return badInput(err)
			}
			raw, gz, err := web.Size(folder.Path(), web.Files)
			if err != nil {
				return internal(err)
			}
			site := folder.Path()
			if out != "" {
				if err := commit(tx); err != nil {
					return err
				}
				site = out
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s and its %d other files: %.1f MB, %.2f MB gzip-compressed\n",
					filepath.Join(out, "index.html"), len(web.Files)-1, float64(raw)/1e6, float64(gz)/1e6)
			}
			if ln == nil {
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "serving the page at %s (Ctrl-C to stop)\n", pageURL(ln.Addr()))
			if err := http.Serve(ln, web.Handler(site)); err != nil {
				return badInput(fmt.Errorf("--serve %s: %v", serve, err))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&out, "out", "", "folder to write the site into (created if missing; replaced as a whole if a site backproof wrote is there)")
	fs.StringVar(&serve, "serve", "", "serve the site at this address, such as localhost:8080, until interrupted")
	fs.BoolVar(&force, "force", false, "write into --out even though it holds files backproof did not write (files of the site's names are replaced, others kept)")
	return cmd
}

// pageURL is the address to open for a listener: localhost for one that
// listens on every interface.
func pageURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
