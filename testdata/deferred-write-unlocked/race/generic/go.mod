module example.com/race/deferred-write-unlocked-generic

go 1.22
