// Command backproof checks backpropagation derivations. See doc.go.
package main

import (
	"os"

	"github.com/backproof/backproof/cli"
)

func main() { os.Exit(cli.Run()) }
