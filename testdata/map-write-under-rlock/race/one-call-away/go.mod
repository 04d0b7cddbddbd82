module example.com/race/map-write-under-rlock-one-call-away

go 1.22
