module example.com/deferred-loopvar-capture/go122

go 1.22
