package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// RegenerateDoc is the command that rewrites docs/cli.md from the command
// definitions; TestCLIDoc fails with it when the file is stale.
const RegenerateDoc = "go test ./cli -run TestCLIDoc -update"

// WriteMarkdown writes the reference of the whole command line, every
// command with its usage, description, examples and flags, and the exit
// statuses, as Markdown: docs/cli.md is its output. It walks the same
// cobra tree that parses the arguments, so the page cannot drift from the
// commands (cobra's own doc package would do it too, but it also pulls in
// a man-page renderer and a YAML library that nothing else needs).
func WriteMarkdown(w io.Writer) error {
	root := newRoot()
	var b strings.Builder
	b.WriteString("# The backproof command line\n\n")
	fmt.Fprintf(&b, "*Generated from the command definitions in `cli/`; do not edit by hand. After changing a command, its flags or its help, regenerate with `%s`.*\n\n", RegenerateDoc)
	fmt.Fprintf(&b, "%s.\n\n", root.Short)
	b.WriteString("Build it with `go build -o backproof ./cmd/backproof`, or run it without building with `go run ./cmd/backproof`.\n\n")
	b.WriteString("| command | what it does |\n|---|---|\n")
	cmds := visible(root)
	for _, c := range cmds {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s |\n", c.CommandPath(), anchor(c.CommandPath()), cell(c.Short))
	}
	// The root's help carries what holds for every command: the exit
	// statuses (ExitOK … ExitInternal) and the memory limit.
	fmt.Fprintf(&b, "\n## Every command: exit status and global flags\n\n```text\n%s\n```\n\n", strings.TrimSpace(root.Long))
	if root.PersistentFlags().HasAvailableFlags() {
		writeFlags(&b, root.PersistentFlags())
		b.WriteString("\n")
	}
	b.WriteString("No command prints a stack trace. `backproof help COMMAND` (or `COMMAND --help`) prints the section below for that command.\n")
	for _, c := range cmds {
		writeCommand(&b, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// visible is every runnable, non-hidden command under root, depth first
// in name order; cobra's generated help and completion commands are left
// out, they document themselves.
func visible(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	sub := root.Commands()
	sort.Slice(sub, func(i, j int) bool { return sub[i].Name() < sub[j].Name() })
	for _, c := range sub {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if c.Runnable() {
			out = append(out, c)
		}
		out = append(out, visible(c)...)
	}
	return out
}

func writeCommand(b *strings.Builder, c *cobra.Command) {
	fmt.Fprintf(b, "\n## %s\n\n%s\n\n", c.CommandPath(), c.Short)
	fmt.Fprintf(b, "```\n%s\n```\n\n", c.UseLine())
	if c.Long != "" {
		// Help texts are laid out for a terminal (indented tables, hard
		// line breaks): a text block keeps them as the command prints them.
		fmt.Fprintf(b, "```text\n%s\n```\n\n", strings.TrimSpace(c.Long))
	}
	if c.Example != "" {
		fmt.Fprintf(b, "Examples:\n\n```sh\n%s\n```\n\n", exampleBlock(c.Example))
	}
	writeFlags(b, c.NonInheritedFlags())
}

// writeFlags writes a flag set as a table: name, default, meaning.
func writeFlags(b *strings.Builder, fs *pflag.FlagSet) {
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "help" {
			flags = append(flags, f)
		}
	})
	if len(flags) == 0 {
		b.WriteString("No flags.\n")
		return
	}
	b.WriteString("| flag | default | meaning |\n|---|---|---|\n")
	for _, f := range flags {
		name, usage := pflag.UnquoteUsage(f)
		spec := "--" + f.Name
		if f.Shorthand != "" {
			spec = "-" + f.Shorthand + ", " + spec
		}
		if name != "" {
			spec += " " + name
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", spec, defaultOf(f), cell(usage))
	}
}

// defaultOf is the flag's default as a table cell: empty when it has none
// worth printing (false, "", an empty list).
func defaultOf(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "false", "[]", "0s":
		if f.Value.Type() != "int" && f.Value.Type() != "float64" {
			return ""
		}
	}
	return "`" + f.DefValue + "`"
}

// exampleBlock drops the two-space indent cobra's help prints examples
// with, so that the block can be copied into a shell.
func exampleBlock(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "  ")
	}
	return strings.Join(lines, "\n")
}

// cell makes text safe inside a Markdown table cell: one line, no bare |.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// anchor is GitHub's heading anchor for a command path: lower case,
// spaces to hyphens.
func anchor(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "-") }
