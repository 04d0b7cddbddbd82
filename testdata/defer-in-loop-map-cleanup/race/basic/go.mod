module example.com/race/defer-in-loop-map-cleanup

go 1.22
