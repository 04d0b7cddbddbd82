module example.com/race/map-write-under-rlock

go 1.22
