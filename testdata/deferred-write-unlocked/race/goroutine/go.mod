module example.com/race/deferred-write-unlocked-goroutine

go 1.22
