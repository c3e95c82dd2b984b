# bench/sim_r.R N OUT - the peer for bench/sim.sh: a vectorised R (data.table) simulation of
# one population register-year of N persons with bef's 17 columns, written with fwrite on 2
# threads. Prints "seconds bytes". Far simpler than effekt's generator (no households, no
# calibration): it bounds from below what an analyst's R script would take per register-year.
suppressMessages(library(data.table))
args <- commandArgs(TRUE)
n <- as.integer(args[1]); out <- args[2]
set.seed(1)
t0 <- Sys.time()
dt <- data.table(
  PNR = sprintf("%010.0f", 4e9 + sort(sample.int(1e9, n)) * 5),
  KOEN = sample(c("M", "K"), n, TRUE),
  FOED_DAG = as.IDate("2011-01-01") - sample.int(36500L, n, TRUE),
  ALDER = 0L, IE_TYPE = sample(1:3, n, TRUE, c(.9, .07, .03)),
  OPR_LAND = sample(c(5100L, 5120L, 5754L), n, TRUE, c(.9, .05, .05)),
  herkomst = sample(c("dansk", "vestlig", "ikke_vestlig"), n, TRUE, c(.9, .05, .05)),
  KOM = sample(c(101L, 147L, 461L, 751L, 851L), n, TRUE), hovedstad = rbinom(n, 1, .3),
  FAMILIE_ID = sample.int(n %/% 2L, n, TRUE), FAMILIE_TYPE = sample(1:2, n, TRUE),
  ANTPERSF = rpois(n, 2) + 1L, ANTBOERNF = rpois(n, 0.6),
  MOR_ID = ifelse(runif(n) < .3, sprintf("%010.0f", 4e9 + sample.int(1e9, n, TRUE) * 5), NA),
  FAR_ID = ifelse(runif(n) < .25, sprintf("%010.0f", 4e9 + sample.int(1e9, n, TRUE) * 5), NA),
  afdeling = ifelse(runif(n) < .17, sample(10001:21995, n, TRUE), NA_integer_),
  omraadetype = sample(c("udsat", "almen", "oevrig"), n, TRUE, c(.04, .13, .83)))
dt[, ALDER := as.integer((as.IDate("2011-01-01") - FOED_DAG) %/% 365.25)]
fwrite(dt, out, nThread = 2L)
cat(as.numeric(difftime(Sys.time(), t0, units = "secs")), file.size(out), "\n")
