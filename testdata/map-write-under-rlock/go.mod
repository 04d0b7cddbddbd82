module example.com/map-write-under-rlock

go 1.22
