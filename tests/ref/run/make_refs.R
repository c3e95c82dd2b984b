# tests/ref/run/make_refs.R - reference values for `effekt run` (src/eval_model.c): the
# leisure-job model for girls (subgroup koen=K) and its typical person, from R's glm
# (epsilon 1e-15) and sandwich::vcovCL (clusters: persons; G/(G-1), no (N-1)/(N-K) for the
# logit: Stata's and vcovCL's defaults), fitted on the matched panel effekt exported
# (microdata = yes) from a small Synthetic Denmark. Made by tests/ref/run/make_refs.sh.
suppressMessages(library(sandwich))
d <- read.csv("tests/ref/run/panel_fritidsjob.csv", colClasses = c(pnr = "character"))
d <- d[d$female == 1, ]                       # subgroup koen=K
covs <- c("age", "female", "western", "non_western", "capital", "single_parent",
          "mother_vocational", "father_vocational")
covs <- covs[sapply(covs, function(v) length(unique(d[[v]])) > 1)] # constant: left out
E <- relevel(factor(d$event_time), ref = "-1")
G <- factor(d$cohort)
X <- model.matrix(as.formula(paste("~ E + treated + treated:E + G +", paste(covs, collapse = "+"))),
                  data = cbind(d, E = E, G = G))
fit <- glm(d$fritidsjob ~ X - 1, family = binomial, weights = d$weight,
           control = glm.control(epsilon = 1e-15, maxit = 100))
b <- coef(fit)
V <- vcovCL(fit, cluster = d$pnr, type = "HC0", cadjust = TRUE)
terms <- sub("^X", "", names(b))
out <- data.frame(event_time = c(-2, 0, 1, 2), estimate = NA, std_error = NA, p_value = NA,
                  att_pp = NA, att_pp_se = NA)
for (k in seq_len(nrow(out))) {
  ev <- out$event_time[k]
  j <- which(terms == paste0("E", ev, ":treated"))
  out$estimate[k] <- b[j]; out$std_error[k] <- sqrt(V[j, j])
  out$p_value[k] <- 2 * pnorm(-abs(b[j] / sqrt(V[j, j])))
  rows <- which(d$treated == 1 & d$event_time == ev)
  X1 <- X[rows, , drop = FALSE]; X1[, j] <- 1
  X0 <- X[rows, , drop = FALSE]; X0[, j] <- 0
  p1 <- plogis(X1 %*% b); p0 <- plogis(X0 %*% b)
  grad <- colMeans(as.vector(p1 * (1 - p1)) * X1 - as.vector(p0 * (1 - p0)) * X0)
  out$att_pp[k] <- 100 * mean(p1 - p0)
  out$att_pp_se[k] <- 100 * sqrt(drop(t(grad) %*% V %*% grad))
}
write.csv(out, "tests/ref/run/fritidsjob_K_effects.csv", row.names = FALSE)
# the typical girl (examples/lbf-2011-14.ini): cohort 2015; in g-1 aged 14, non-Western,
# Copenhagen area, both parents, both with vocational education
profile <- c(age = 14, female = 1, western = 0, non_western = 1, capital = 1,
             single_parent = 0, mother_vocational = 1, father_vocational = 1)
row_of <- function(treated, e) {
  x <- setNames(numeric(length(terms)), terms)
  x["(Intercept)"] <- 1
  if (e != -1) x[paste0("E", e)] <- 1
  x["treated"] <- treated
  if (treated == 1 && e != -1) x[paste0("E", e, ":treated")] <- 1
  if ("G2015" %in% terms) x["G2015"] <- 1
  for (v in covs) x[v] <- profile[[v]]
  x
}
z <- qnorm(0.975)
typ <- data.frame(event_time = -2:2, treated = NA, treated_low = NA, treated_high = NA,
                  control = NA, control_low = NA, control_high = NA, did_pp = NA, did_pp_se = NA)
for (k in seq_len(nrow(typ))) {
  ev <- typ$event_time[k]
  xs <- list(row_of(1, ev), row_of(1, -1), row_of(0, ev), row_of(0, -1))
  eta <- sapply(xs, function(x) sum(x * b))
  se <- sapply(xs, function(x) sqrt(drop(t(x) %*% V %*% x)))
  typ$treated[k] <- 100 * plogis(eta[1])
  typ$treated_low[k] <- 100 * plogis(eta[1] - z * se[1])
  typ$treated_high[k] <- 100 * plogis(eta[1] + z * se[1])
  typ$control[k] <- 100 * plogis(eta[3])
  typ$control_low[k] <- 100 * plogis(eta[3] - z * se[3])
  typ$control_high[k] <- 100 * plogis(eta[3] + z * se[3])
  cs <- c(1, -1, -1, 1)
  p <- plogis(eta)
  grad <- Reduce(`+`, lapply(1:4, function(i) cs[i] * p[i] * (1 - p[i]) * xs[[i]]))
  typ$did_pp[k] <- 100 * sum(cs * p)
  typ$did_pp_se[k] <- 100 * sqrt(drop(t(grad) %*% V %*% grad))
}
write.csv(typ, "tests/ref/run/fritidsjob_K_typical.csv", row.names = FALSE)
cat(R.version.string, "sandwich", as.character(packageVersion("sandwich")), "\n",
    file = "tests/ref/run/SOURCE.txt")
