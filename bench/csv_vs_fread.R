# Times data.table::fread on one thread, building the table, as the peer of effekt's reader.
# Usage: Rscript bench/csv_vs_fread.R FILE  -> prints "seconds MB/s" for one run.
suppressMessages(library(data.table))
setDTthreads(1)
f <- commandArgs(TRUE)[1]
t <- system.time(d <- fread(f, nThread = 1, showProgress = FALSE))[["elapsed"]]
stopifnot(nrow(d) > 0)
cat(sprintf("%.3f %.1f\n", t, file.size(f) / 1e6 / t))
