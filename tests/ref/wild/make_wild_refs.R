# Reference values for tests/test_wildboot.c: the wild cluster bootstrap done the slow,
# obvious way, independently of effekt's algebra.
# Run from the project root:  Rscript tests/ref/wild/make_wild_refs.R
#
# Linear models, WCR: for every one of the 2^G Rademacher sign vectors, y* = fitted values of
#   the restricted fit (lm with offset(theta * x)) + v_g * its residuals; refit with lm; t* =
#   (b*_j - theta) / se*_j, se* from sandwich::vcovCL(type = "HC1"), i.e. G/(G-1) (N-1)/(N-K).
# Logit, restricted score bootstrap (Kline & Santos 2012, as boottest): the restricted glm
#   (offset(theta * x), epsilon 1e-15); A = (X'WX)^-1 at that fit over all coefficients;
#   u_i = w_i (y_i - p_i) x_i'A e_j; for each sign vector, u*_i = v_g(i) u_i,
#   t* = sum u* / sqrt(G/(G-1) sum_h (sum_{i in h} u*_i - pi_h sum u*)^2), pi_h the cluster's
#   share of the weight; the sample statistic is that of v = 1.
# Draw b has v_g = -1 where bit g of b is set, clusters numbered 0.. in order of first
# appearance (as effekt's design codes them). count = #{b : |t*_b| >= |t| (1 - 1e-9)}.
#
# Writes wild_data.csv (the data, simulated here once with a fixed seed, 17 digits),
# wild_refs.csv (case, term, null, t, count, B) and wild_draws.csv (case, draw, tstar).
suppressMessages(library(sandwich))
out <- "tests/ref/wild"
set.seed(19062019)
G <- 8
sizes <- c(6, 9, 12, 7, 14, 8, 10, 11)
cl <- rep(c(3, 1, 7, 2, 8, 5, 4, 6), sizes)   # ids not in code order: codes follow appearance
n <- length(cl)
x1 <- round(rnorm(n), 6)
x2 <- round(rnorm(G)[cl] + 0.5 * rnorm(n), 6)
x3 <- round(runif(n, -1, 1), 6)
w <- round(runif(n, 0.5, 2.5), 3)
y <- round(1 + 0.4 * x1 - 0.3 * x2 + 0.2 * x3 + 0.6 * rnorm(G)[cl] + rnorm(n), 6)
yb <- rbinom(n, 1, plogis(-0.2 + 0.7 * x1 - 0.5 * x2 + 0.3 * rnorm(G)[cl]))
d <- data.frame(cl, y, yb, x1, x2, x3, w)
f17 <- function(v) sprintf("%.17g", v)
write.csv(data.frame(cl, y = f17(y), yb, x1 = f17(x1), x2 = f17(x2), x3 = f17(x3), w = f17(w)),
          file.path(out, "wild_data.csv"), row.names = FALSE, quote = FALSE)

code <- match(cl, unique(cl)) - 1
B <- 2^G
signs <- function(b) ifelse(bitwAnd(b, 2^(0:(G - 1))) > 0, -1, 1)
TIE <- 1e-9
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
terms <- c("x1", "x2", "x3")

wcr <- function(term, theta, weighted) {
  wt <- if (weighted) w else rep(1, n)
  full <- lm(y ~ x1 + x2 + x3, data = d, weights = wt)
  t0 <- (coef(full)[[term]] - theta) / sqrt(vcovCL(full, cluster = ~cl, type = "HC1")[term, term])
  rest <- lm(as.formula(paste("y ~", paste(setdiff(terms, term), collapse = " + "),
                              "+ offset(theta * d[[term]])")), data = d, weights = wt)
  fr <- fitted(rest); ur <- y - fr
  ts <- sapply(0:(B - 1), function(b) {
    dd <- d; dd$y <- fr + signs(b)[code + 1] * ur
    m <- lm(y ~ x1 + x2 + x3, data = dd, weights = wt)
    (coef(m)[[term]] - theta) / sqrt(vcovCL(m, cluster = ~cl, type = "HC1")[term, term])
  })
  list(t = t0, ts = ts)
}

score <- function(term, theta, weighted) {
  wt <- if (weighted) w else rep(1, n)
  rest <- suppressWarnings(glm(as.formula(paste("yb ~", paste(setdiff(terms, term), collapse = " + "),
                                                 "+ offset(theta * d[[term]])")),
                               data = d, weights = wt, family = binomial, control = ctl))
  p <- fitted(rest)
  X <- cbind(1, x1, x2, x3); colnames(X) <- c("(Intercept)", terms)
  A <- solve(crossprod(X, X * (wt * p * (1 - p))))
  u <- wt * (yb - p) * drop(X %*% A[, term])
  pi <- tapply(wt, code, sum) / sum(wt)
  stat <- function(v) {
    us <- v[code + 1] * u
    num <- sum(us)
    J <- tapply(us, code, sum) - pi * num
    num / sqrt(G / (G - 1) * sum(J^2))
  }
  list(t = stat(rep(1, G)), ts = sapply(0:(B - 1), function(b) stat(signs(b))))
}

cases <- list(
  list(name = "lm_x1", fun = wcr, term = "x1", theta = 0.45, weighted = FALSE),
  list(name = "lm_x2", fun = wcr, term = "x2", theta = -0.5, weighted = FALSE),
  list(name = "lmw_x3", fun = wcr, term = "x3", theta = -0.1, weighted = TRUE),
  list(name = "logit_x1", fun = score, term = "x1", theta = 0, weighted = FALSE),
  list(name = "logitw_x2", fun = score, term = "x2", theta = -0.2, weighted = TRUE)
)
refs <- NULL; draws <- NULL
for (cs in cases) {
  r <- cs$fun(cs$term, cs$theta, cs$weighted)
  count <- sum(abs(r$ts) >= abs(r$t) * (1 - TIE))
  refs <- rbind(refs, data.frame(case = cs$name, term = cs$term, null = cs$theta, t = f17(r$t),
                                 count = count, B = B))
  draws <- rbind(draws, data.frame(case = cs$name, draw = 0:(B - 1), tstar = f17(r$ts)))
}
write.csv(refs, file.path(out, "wild_refs.csv"), row.names = FALSE, quote = FALSE)
write.csv(draws, file.path(out, "wild_draws.csv"), row.names = FALSE, quote = FALSE)
writeLines(c("Made by: Rscript tests/ref/wild/make_wild_refs.R",
             sprintf("%s, sandwich %s, on %s", R.version.string, packageVersion("sandwich"),
                     format(Sys.Date()))),
           file.path(out, "SOURCE.txt"))
