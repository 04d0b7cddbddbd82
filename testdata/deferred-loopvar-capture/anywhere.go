package cases

import (
	"fmt"
	"os"
	"sync"
)

// Shape 9 of the recall work: any loop variable a deferred or go closure uses, wherever
// the statement sits in the loop body and whatever the closure does with it.

func printAll(names []string) {
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func() { // want "deferred-loopvar-capture"
			defer wg.Done()
			fmt.Println(n)
		}()
		fmt.Println("started")
	}
	wg.Wait()
}

func closeAll(files []*os.File) {
	for i := 0; i < len(files); i++ {
		defer func() { // want "deferred-loopvar-capture"
			files[i].Close()
		}()
		fmt.Println("opened", files[i].Name())
	}
}

// Joined within the iteration: silent.
func oneAtATime(names []string) {
	for _, n := range names {
		done := make(chan struct{})
		go func() {
			fmt.Println(n)
			close(done)
		}()
		<-done
	}
}

// Waited for by a WaitGroup inside the iteration: silent.
func waitEach(names []string) {
	for _, n := range names {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(n)
		}()
		wg.Wait()
	}
}

// Copied before the go statement, not at the top of the body: silent.
func copiedLater(names []string) {
	for _, n := range names {
		fmt.Println("next")
		n := n
		go func() {
			fmt.Println(n)
		}()
	}
}

// A literal called per iteration: its defer runs within the iteration, silent.
func perIteration(names []string) {
	for _, n := range names {
		func() {
			defer func() { fmt.Println(n) }()
		}()
	}
}

// Shadowed inside the closure: silent.
func shadowed(names []string) {
	for _, n := range names {
		fmt.Println(n)
		go func() {
			n := "fixed"
			fmt.Println(n)
		}()
	}
}
