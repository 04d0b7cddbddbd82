module example.com/defer-in-loop-map-cleanup

go 1.22
