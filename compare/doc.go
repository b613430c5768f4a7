// Package compare sets an analytic gradient beside a numerical one, entry
// by entry, and says how far apart they are and what the difference means.
package compare
