# tests/ref/did/make_refs.R - reference values for src/did.c (the event-study DiD), from R's
# glm (epsilon 1e-15) and sandwich::vcovCL (clusters: persons; G/(G-1), no (N-1)/(N-K) for the
# logit, both for the linear model: Stata's and vcovCL's defaults).
# Panel: 1,500 persons (a third treated), start cohorts 2014-2016, event times -2..2, two
# covariates; y binary (logit) and continuous (linear), with effects from e = 0.
# Run from the project root: Rscript tests/ref/did/make_refs.R
suppressMessages(library(sandwich))
set.seed(20111)
n <- 1500
id <- rep(seq_len(n), each = 5)
e <- rep(-2:2, n)
treated <- rep(as.integer(seq_len(n) %% 3 == 0), each = 5)
g <- rep(sample(2014:2016, n, TRUE), each = 5)
age <- rep(round(rnorm(n, 15, 2)), each = 5)
girl <- rep(rbinom(n, 1, 0.5), each = 5)
delta <- c(0, 0, 0.9, 0.7, 0.4)[e + 3]
eta <- -1.2 + 0.1 * (e) + 0.15 * (g - 2014) + 0.05 * (age - 15) - 0.3 * girl + 0.2 * treated +
  treated * delta
yb <- rbinom(length(eta), 1, plogis(eta))
yc <- 5 + 0.2 * e + 0.3 * girl + 0.5 * treated - 1.5 * treated * (e >= 0) + rnorm(length(eta), 0, 2)
d <- data.frame(id, e, treated, g, age, girl, yb, yc)
write.csv(d, "tests/ref/did/panel.csv", row.names = FALSE)
E <- relevel(factor(e), ref = "-1")
G <- factor(g)
X <- model.matrix(~ E + treated + treated:E + G + age + girl)
one <- function(y, family, name) {
  fit <- if (family == "logit") glm(y ~ X - 1, family = binomial, control = glm.control(epsilon = 1e-15, maxit = 100))
         else lm(y ~ X - 1)
  b <- coef(fit)
  V <- vcovCL(fit, cluster = id, type = "HC0", cadjust = TRUE)
  if (family == "linear") V <- V * (nrow(X) - 1) / (nrow(X) - ncol(X))
  terms <- sub("^X", "", names(b))
  # the pre-trend test: delta_{-2} = 0
  pre <- which(terms == "E-2:treated")
  chi2 <- b[pre]^2 / V[pre, pre]
  out <- data.frame(event_time = c(-2, 0, 1, 2), estimate = NA, std_error = NA, att = NA, att_se = NA)
  grads <- list(); cols <- integer(0)
  for (k in seq_len(nrow(out))) {
    ev <- out$event_time[k]
    j <- which(terms == paste0("E", ev, ":treated"))
    out$estimate[k] <- b[j]; out$std_error[k] <- sqrt(V[j, j])
    rows <- which(treated == 1 & e == ev)
    X1 <- X[rows, , drop = FALSE]; X1[, j] <- 1
    X0 <- X[rows, , drop = FALSE]; X0[, j] <- 0
    if (family == "logit") {
      p1 <- plogis(X1 %*% b); p0 <- plogis(X0 %*% b)
      grad <- colMeans(as.vector(p1 * (1 - p1)) * X1 - as.vector(p0 * (1 - p0)) * X0)
      out$att[k] <- mean(p1 - p0)
    } else {
      grad <- colMeans(X1 - X0)
      out$att[k] <- mean(X1 %*% b - X0 %*% b)
    }
    out$att_se[k] <- sqrt(drop(t(grad) %*% V %*% grad))
    grads[[k]] <- grad; cols[k] <- j
  }
  # joint covariances of the deltas and of the ATTs (for joint Wald tests)
  cv <- expand.grid(k = seq_len(nrow(out)), l = seq_len(nrow(out)))
  cv$event_time_k <- out$event_time[cv$k]; cv$event_time_l <- out$event_time[cv$l]
  cv$delta_cov <- mapply(function(k, l) V[cols[k], cols[l]], cv$k, cv$l)
  cv$att_cov <- mapply(function(k, l) drop(t(grads[[k]]) %*% V %*% grads[[l]]), cv$k, cv$l)
  write.csv(cv[, c("event_time_k", "event_time_l", "delta_cov", "att_cov")],
            sprintf("tests/ref/did/%s_cov.csv", name), row.names = FALSE)
  out$pretrend_chi2 <- chi2
  write.csv(out, sprintf("tests/ref/did/%s.csv", name), row.names = FALSE)
}
one(yb, "logit", "logit")
one(yc, "linear", "linear")
cat(R.version.string, "sandwich", as.character(packageVersion("sandwich")), "\n",
    file = "tests/ref/did/SOURCE.txt")
