module example.com/deferred-loopvar-capture

go 1.21
