module example.com/race/deferred-write-unlocked-direct

go 1.22
