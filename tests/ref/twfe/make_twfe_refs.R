# tests/ref/twfe/make_twfe_refs.R - reference values for src/twfe.c (tests/test_twfe.c):
# an unbalanced panel with two regressors, fitted by R's lm with unit and period dummies
# (the coefficients), and the cluster-robust standard errors by unit with fixest's
# convention (small-sample factor G/(G-1) (N-1)/(N-K), K = the two regressors only), written
# out from lm's residuals and the regressors with the fixed effects partialled out (FWL).
# Rscript tests/ref/twfe/make_twfe_refs.R   (base R; writes panel.csv and ref.csv here)
set.seed(20111)
units <- 40; periods <- 7
d <- expand.grid(unit = 0:(units - 1), period = 0:(periods - 1))
d <- d[runif(nrow(d)) > 0.15, ]                       # unbalanced
a <- rnorm(units, 0, 2); l <- rnorm(periods, 0, 1)
d$x1 <- as.numeric(runif(nrow(d)) < 0.3 + 0.04 * d$period)
d$x2 <- rnorm(nrow(d)) + 0.3 * a[d$unit + 1]
d$y <- 1.5 * d$x1 - 0.7 * d$x2 + a[d$unit + 1] + l[d$period + 1] + rnorm(nrow(d))
fit <- lm(y ~ x1 + x2 + factor(unit) + factor(period), data = d)
b <- coef(fit)[c("x1", "x2")]
xt <- cbind(resid(lm(x1 ~ factor(unit) + factor(period), d)),
            resid(lm(x2 ~ factor(unit) + factor(period), d)))
e <- resid(fit)
bread <- solve(crossprod(xt))
scores <- rowsum(xt * e, d$unit)
G <- nrow(scores); N <- nrow(d); K <- 2
V <- bread %*% crossprod(scores) %*% bread * G / (G - 1) * (N - 1) / (N - K)
dir <- "tests/ref/twfe"
write.csv(d[, c("unit", "period", "x1", "x2", "y")], file.path(dir, "panel.csv"), row.names = FALSE)
ref <- data.frame(term = c("x1", "x2"), estimate = sprintf("%.17g", b),
                  std_error = sprintf("%.17g", sqrt(diag(V))))
write.csv(ref, file.path(dir, "ref.csv"), row.names = FALSE, quote = FALSE)
