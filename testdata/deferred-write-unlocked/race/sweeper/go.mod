module example.com/race/deferred-write-unlocked-sweeper

go 1.22
