# The peer: R's glm (binomial) and sandwich::vcovCL on the same CSV; reading (fread) apart.
# Prints "fit_s vcov_s coef_x1 se_x1".
suppressMessages({ library(data.table); library(sandwich) })
d <- fread(commandArgs(TRUE)[1], showProgress = FALSE)
f <- as.formula(paste("y ~", paste0("x", 1:20, collapse = " + ")))
t1 <- system.time(m <- glm(f, data = d, family = binomial))[["elapsed"]]
t2 <- system.time(v <- vcovCL(m, cluster = ~cl, type = "HC0"))[["elapsed"]]
cat(sprintf("%.3f %.3f %.10g %.10g\n", t1, t2, coef(m)[2], sqrt(v[2, 2])))
