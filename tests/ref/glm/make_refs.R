# Reference values for tests/test_glm.c, from R's lm/glm and the sandwich package.
# Run from the project root:  Rscript tests/ref/glm/make_refs.R
# Writes sim.csv (the data, simulated here once with a fixed seed) and, per model,
# <model>.coef.csv (term, estimate, and standard errors for iid, hc1, cluster) and
# <model>.vcov.csv (type, row, col, value), plus extras.csv (Wald tests, predictions, AME).
# Logit fits run to the optimum: glm.control(epsilon = 1e-15, maxit = 100).
# Variance conventions (Stata's, as effekt's): lm HC1 = vcovHC(type = "HC1");
# lm cluster = vcovCL(type = "HC1"), i.e. G/(G-1) (N-1)/(N-K); logit HC1 = vcovHC(type =
# "HC0") * N/(N-1); logit cluster = vcovCL(type = "HC0"), i.e. G/(G-1).
suppressMessages(library(sandwich))
out <- "tests/ref/glm"
set.seed(20111214)
n <- 500
cl <- sample(1:25, n, replace = TRUE)
x1 <- rnorm(n) + 0.2 * cl / 25
x2 <- runif(n, -1, 2)
g <- sample(c("almen", "oevrig", "udsat"), n, replace = TRUE, prob = c(0.4, 0.35, 0.25))
w <- round(runif(n, 0.5, 3), 3)
off <- round(rnorm(n, 0, 0.3), 4)
eta <- -0.4 + 0.8 * x1 - 0.5 * x2 + ifelse(g == "udsat", 0.7, ifelse(g == "oevrig", -0.3, 0))
y_bin <- rbinom(n, 1, plogis(eta))
y_cont <- 2 + 1.5 * x1 - 0.7 * x2 + ifelse(g == "udsat", 1, 0) + rnorm(n) * (1 + abs(x2)) + 0.3 * rnorm(25)[cl]
x1[c(7, 99)] <- NA   # two rows with a missing regressor: dropped listwise
d <- data.frame(y_bin, y_cont, x1, x2, g, w, off, cl)
write.csv(d, file.path(out, "sim.csv"), row.names = FALSE, na = "")
dd <- d[complete.cases(d), ]

ctl <- glm.control(epsilon = 1e-15, maxit = 100)
fits <- list(
  lm = lm(y_cont ~ x1 + x2 + g, data = dd),
  lm_w = lm(y_cont ~ x1 + x2 + g, data = dd, weights = w),
  logit = glm(y_bin ~ x1 + x2 + g, data = dd, family = binomial, control = ctl),
  logit_off = glm(y_bin ~ x1 + x2 + g + offset(off), data = dd, family = binomial, control = ctl),
  logit_w = suppressWarnings(glm(y_bin ~ x1 + x2 + g, data = dd, family = binomial, weights = w, control = ctl))
)
vc <- function(f) {
  N <- nobs(f)
  if (inherits(f, "glm")) list(iid = vcov(f), hc1 = vcovHC(f, type = "HC0") * N / (N - 1),
                               cluster = vcovCL(f, cluster = ~cl, type = "HC0"))
  else list(iid = vcov(f), hc1 = vcovHC(f, type = "HC1"), cluster = vcovCL(f, cluster = ~cl, type = "HC1"))
}
fmt <- function(x) sprintf("%.17g", x)
extras <- NULL
for (m in names(fits)) {
  f <- fits[[m]]; v <- vc(f)
  terms <- sub("^g", "g=", names(coef(f)))
  write.csv(data.frame(term = terms, estimate = fmt(coef(f)),
                       se_iid = fmt(sqrt(diag(v$iid))), se_hc1 = fmt(sqrt(diag(v$hc1))),
                       se_cluster = fmt(sqrt(diag(v$cluster)))),
            file.path(out, paste0(m, ".coef.csv")), row.names = FALSE, quote = FALSE)
  long <- do.call(rbind, lapply(names(v), function(t) {
    k <- ncol(v[[t]]); data.frame(type = t, row = rep(seq_len(k), k), col = rep(seq_len(k), each = k),
                                  value = fmt(as.vector(v[[t]])))
  }))
  write.csv(long, file.path(out, paste0(m, ".vcov.csv")), row.names = FALSE, quote = FALSE)
  # Wald test that both g coefficients are 0, with each variance type
  b <- coef(f); R <- matrix(0, 2, length(b)); R[1, 4] <- 1; R[2, 5] <- 1
  for (t in names(v)) {
    W <- as.numeric(t(R %*% b) %*% solve(R %*% v[[t]] %*% t(R)) %*% (R %*% b))
    stat <- if (inherits(f, "glm")) W else W / 2
    extras <- rbind(extras, data.frame(model = m, what = paste0("wald_", t), value = fmt(stat)))
  }
  extras <- rbind(extras, data.frame(model = m, what = c("loglik", "deviance", "null_deviance", "aic"),
                                     value = fmt(c(as.numeric(logLik(f)), deviance(f), if (is.null(f$null.deviance)) NA else f$null.deviance, AIC(f)))))
  # prediction at x1 = 0.5, x2 = 1, g = udsat, and the average effect of g = udsat over rows
  # with g = udsat (on the response scale), each with a delta-method SE under the iid variance
  X <- model.matrix(f); inv <- if (inherits(f, "glm")) family(f)$linkinv else identity
  dmu <- if (inherits(f, "glm")) function(e) plogis(e) * (1 - plogis(e)) else function(e) rep(1, length(e))
  x0 <- c(1, 0.5, 1, 0, 1); e0 <- sum(x0 * b)
  extras <- rbind(extras, data.frame(model = m, what = c("pred", "pred_se"),
                  value = fmt(c(inv(e0), sqrt(t(dmu(e0) * x0) %*% v$iid %*% (dmu(e0) * x0))))))
  rows <- which(dd$g == "udsat"); X1 <- X[rows, ]; X0 <- X1; X1[, 5] <- 1; X0[, 5] <- 0
  o <- if (m == "logit_off") dd$off[rows] else 0
  e1 <- X1 %*% b + o; e0v <- X0 %*% b + o
  grad <- colMeans(as.vector(dmu(e1)) * X1 - as.vector(dmu(e0v)) * X0)
  extras <- rbind(extras, data.frame(model = m, what = c("ame", "ame_se"),
                  value = fmt(c(mean(inv(e1) - inv(e0v)), sqrt(t(grad) %*% v$iid %*% grad)))))
}
write.csv(extras, file.path(out, "extras.csv"), row.names = FALSE, quote = FALSE)
# collinear: x1 twice (as x1b) -> R reports NA for the second
dd$x1b <- 2 * dd$x1
fc <- lm(y_cont ~ x1 + x1b + x2, data = dd)
write.csv(data.frame(term = names(coef(fc)), estimate = fmt(coef(fc))),
          file.path(out, "collinear.coef.csv"), row.names = FALSE, quote = FALSE, na = "")
writeLines(c("Made by: Rscript tests/ref/glm/make_refs.R",
             sprintf("R %s, sandwich %s, on %s", getRversion(), packageVersion("sandwich"), Sys.Date())),
           file.path(out, "SOURCE.txt"))
