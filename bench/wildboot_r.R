# The peer of bench/wildboot_run.c: the same fast algorithms, vectorised in base R (no
# fwildclusterboot: not installable here). Reading (fread) is left out of the times.
# Linear, WCR (Roodman et al. 2019): QR fit, cluster sums by rowsum(), all 9,999 draws as
#   matrix products (G x B), p(theta) in closed form per draw, the interval ends by uniroot()
#   on the crossing function |t| - (m-th largest |t*|) after the same bracket and grid.
# Logit, restricted score bootstrap: glm.fit() with the coefficient as an offset, the
#   projected cluster scores, the draws as matrix products; the interval as above, with a
#   glm.fit() per theta (warm-started).
# Prints "lin_s lin_p lin_lo lin_hi logit_p_s logit_ci_s logit_p logit_lo logit_hi".
suppressMessages(library(data.table))
d <- fread(commandArgs(TRUE)[1], showProgress = FALSE)
X <- cbind(1, as.matrix(d[, paste0("x", 1:10), with = FALSE]))
code <- match(d$cl, unique(d$cl))
G <- max(code); N <- nrow(X); k <- ncol(X); B <- 9999; alpha <- 0.05; j <- 2; TIE <- 1e-9
set.seed(1)
V <- matrix(sample(c(-1, 1), G * B, replace = TRUE), G)   # Rademacher (G = 89: no enumeration)

crossing <- function(t, ts) {   # f <= 0 exactly when p >= alpha
  m <- ceiling(alpha * length(ts))
  abs(t) * (1 - TIE) - sort(abs(ts), decreasing = TRUE)[m]
}
interval_end <- function(f, est, se, sign) {   # bracket by doubling, grid of `grid`, root
  m <- 0
  repeat { outer <- est + sign * 2 * se * 2^m; if (f(outer) > 0) break; m <- m + 1 }
  inner <- est
  for (i in (GRID - 1):1) {
    th <- est + (outer - est) * i / GRID
    if (f(th) <= 0) { inner <- th; break } else outer <- th
  }
  uniroot(f, sort(c(inner, outer)), tol = 1e-9 * se)$root
}

wcr <- function(y, theta0) {
  q <- qr(X); beta <- qr.coef(q, y); A <- chol2inv(qr.R(q))
  a <- A[, j]; ajj <- a[j]; r <- drop(X %*% a)
  uh <- y - drop(X %*% beta)
  u0 <- y - drop(X %*% (beta - a * (beta[j] - theta0) / ajj))
  S0 <- rowsum(X * u0, code); S1 <- rowsum(X * (r / ajj), code); su <- rowsum(r * uh, code)
  cc <- G / (G - 1) * (N - 1) / (N - k); se <- sqrt(cc * sum(su^2))
  s0 <- drop(S0 %*% a); s1 <- drop(S1 %*% a); D <- ajj * S1 %*% A
  n0 <- drop(crossprod(V, s0)); n1 <- drop(crossprod(V, s1))
  Z0 <- s0 * V - D %*% crossprod(S0, V); Z1 <- s1 * V - D %*% crossprod(S1, V)
  d00 <- colSums(Z0^2); d01 <- colSums(Z0 * Z1); d11 <- colSums(Z1^2)
  stats <- function(theta) {
    dl <- theta0 - theta
    list(t = (beta[j] - theta) / se, ts = (n0 + dl * n1) / sqrt(cc * (d00 + 2 * dl * d01 + dl^2 * d11)))
  }
  s <- stats(theta0)
  f <- function(theta) { s <- stats(theta); crossing(s$t, s$ts) }
  c(mean(abs(s$ts) >= abs(s$t) * (1 - TIE)), interval_end(f, beta[j], se, -1),
    interval_end(f, beta[j], se, 1))
}

start <- NULL
score_stats <- function(y, theta) {
  fit <- glm.fit(X[, -j], y, offset = theta * X[, j], family = binomial(), start = start,
                 control = glm.control(epsilon = 1e-14, maxit = 100))
  start <<- fit$coefficients
  p <- fit$fitted.values
  A <- solve(crossprod(X, X * (p * (1 - p))))
  s <- drop(rowsum((y - p) * drop(X %*% A[, j]), code)); pi <- tabulate(code) / N
  stat <- function(v) {
    num <- drop(crossprod(v, s))
    num / sqrt(G / (G - 1) * colSums((v * s - outer(pi, num))^2))
  }
  list(t = stat(matrix(1, G, 1)), ts = stat(V))
}

GRID <- 24
t_lin <- system.time(lin <- wcr(d$y, 0))[["elapsed"]]
fit <- glm.fit(X, d$yb, family = binomial(), control = glm.control(epsilon = 1e-14))
t_p <- system.time({ s <- score_stats(d$yb, 0); lp <- mean(abs(s$ts) >= abs(s$t) * (1 - TIE)) })[["elapsed"]]
GRID <- 6
est <- fit$coefficients[j]; se <- sqrt(diag(chol2inv(qr.R(fit$qr))))[j]
f <- function(theta) { s <- score_stats(d$yb, theta); crossing(s$t, s$ts) }
t_ci <- system.time({ start <- fit$coefficients[-j]; lo <- interval_end(f, est, se, -1)
                      start <- fit$coefficients[-j]; hi <- interval_end(f, est, se, 1) })[["elapsed"]]
cat(sprintf("%.3f %.6g %.6g %.6g %.3f %.3f %.6g %.6g %.6g\n", t_lin, lin[1], lin[2], lin[3],
            t_p, t_p + t_ci, lp, lo, hi))
