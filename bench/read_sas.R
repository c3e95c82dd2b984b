# Times haven::read_sas on one file, the peer of effekt's SAS reader: prints "seconds rows".
suppressMessages(library(haven))
f <- commandArgs(TRUE)[1]
t <- system.time(d <- read_sas(f))[["elapsed"]]
cat(sprintf("%.3f %d\n", t, nrow(d)))
