module example.com/race/deferred-write-unlocked-local-mutex

go 1.22
