module example.com/x

go 1.22.0

toolchain go1.22.10 // pinned

require x v1
