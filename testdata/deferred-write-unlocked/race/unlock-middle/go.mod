module example.com/race/deferred-write-unlocked-unlock-middle

go 1.22
