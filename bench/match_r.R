# The peer: MatchIt's matchit(method = "nearest", caliper = 0.2) with its default logit
# propensity model, on the same CSV; reading (fread) apart. Prints "seconds matched_treated".
suppressMessages({ library(data.table); library(MatchIt) })
d <- as.data.frame(fread(commandArgs(TRUE)[1], showProgress = FALSE))
t <- system.time(m <- matchit(treat ~ alder + indkomst + formue + udd_aar + kvinde + ikke_vestlig,
                              data = d, method = "nearest", caliper = 0.2))[["elapsed"]]
cat(sprintf("%.3f %d\n", t, sum(m$weights[d$treat == 1] > 0)))
