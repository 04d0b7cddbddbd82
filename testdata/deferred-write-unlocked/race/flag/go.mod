module example.com/race/deferred-write-unlocked-flag

go 1.22
