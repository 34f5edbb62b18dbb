// goheap: a Go program that writes two heap profiles (profile.proto, as
// Go's runtime writes them) for testdata/proto/ (testdata/README.md).
// MemProfileRate 1 records every allocation: exact values.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var keep [][]byte

//go:noinline
func leakBig(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 64<<10))
	}
}

//go:noinline
func leakSmall(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 512))
	}
}

func main() {
	runtime.MemProfileRate = 1
	leakBig(32)
	leakSmall(1000)
	runtime.GC()
	f, _ := os.Create(os.Args[1])
	pprof.WriteHeapProfile(f)
	f.Close()
	leakBig(16)
	runtime.GC()
	f, _ = os.Create(os.Args[2])
	pprof.WriteHeapProfile(f)
	f.Close()
}
