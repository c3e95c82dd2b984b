# tests/ref/did/make_sep_refs.R - reference values for the event study with a separating
# covariate (src/did.c, leave_out_separating), from R's glm (epsilon 1e-15) and
# sandwich::vcovCL by person, as make_refs.R.
# Panel: tests/ref/did/panel.csv plus a dummy `rare` (every tenth person) whose rows all have
# yb = 0. Stata's logit leaves `rare` out with those rows ("rare != 0 predicts failure
# perfectly"); the reference is R's glm on the other rows without `rare`. R's glm on all the
# rows, where rare's coefficient runs off to minus infinity, reaches the same deltas: the
# script checks that, to 1e-6.
# Run from the project root: Rscript tests/ref/did/make_sep_refs.R
suppressMessages(library(sandwich))
d <- read.csv("tests/ref/did/panel.csv")
d$rare <- as.integer(d$id %% 10 == 0)
d$yb[d$rare == 1] <- 0L
write.csv(d[, c("id", "e", "treated", "g", "age", "girl", "rare", "yb")],
          "tests/ref/did/panel_sep.csv", row.names = FALSE)
design <- function(s, with_rare) {
  s$E <- relevel(factor(s$e), ref = "-1")
  s$G <- factor(s$g)
  if (with_rare) model.matrix(~ E + treated + treated:E + G + age + girl + rare, data = s)
  else model.matrix(~ E + treated + treated:E + G + age + girl, data = s)
}
ctl <- glm.control(epsilon = 1e-15, maxit = 200)
s <- d[d$rare == 0, ]
X <- design(s, FALSE)
fit <- glm(s$yb ~ X - 1, family = binomial, control = ctl)
b <- coef(fit)
V <- vcovCL(fit, cluster = s$id, type = "HC0", cadjust = TRUE)
terms <- sub("^X", "", names(b))
out <- data.frame(event_time = c(-2, 0, 1, 2), estimate = NA, std_error = NA, att = NA,
                  att_se = NA)
for (k in seq_len(nrow(out))) {
  ev <- out$event_time[k]
  j <- which(terms == paste0("E", ev, ":treated"))
  out$estimate[k] <- b[j]; out$std_error[k] <- sqrt(V[j, j])
  rows <- which(s$treated == 1 & s$e == ev)
  X1 <- X[rows, , drop = FALSE]; X1[, j] <- 1
  X0 <- X[rows, , drop = FALSE]; X0[, j] <- 0
  p1 <- plogis(X1 %*% b); p0 <- plogis(X0 %*% b)
  grad <- colMeans(as.vector(p1 * (1 - p1)) * X1 - as.vector(p0 * (1 - p0)) * X0)
  out$att[k] <- mean(p1 - p0)
  out$att_se[k] <- sqrt(drop(t(grad) %*% V %*% grad))
}
out$rows_left_out <- sum(d$rare == 1)
write.csv(out, "tests/ref/did/logit_sep.csv", row.names = FALSE)
full <- suppressWarnings(glm(d$yb ~ design(d, TRUE) - 1, family = binomial, control = ctl))
bf <- coef(full)
names(bf) <- sub("^design\\(d, TRUE\\)", "", names(bf))
deltas <- paste0("E", c(-2, 0, 1, 2), ":treated")
gap <- max(abs(bf[deltas] - b[match(deltas, terms)]))
stopifnot(gap < 1e-6)
cat(R.version.string, "sandwich", as.character(packageVersion("sandwich")),
    "; all-rows glm deltas within", format(gap, digits = 2), "\n",
    file = "tests/ref/did/SOURCE_sep.txt")

# The deltas at event times `evs` of the logit of s$yb on X, with vcovCL by person.
deltas <- function(s, X, evs) {
  fit <- glm(s$yb ~ X - 1, family = binomial, control = ctl)
  b <- coef(fit)
  V <- vcovCL(fit, cluster = s$id, type = "HC0", cadjust = TRUE)
  terms <- sub("^X", "", names(b))
  j <- match(paste0("E", evs, ":treated"), terms)
  data.frame(event_time = evs, estimate = b[j], std_error = sqrt(diag(V)[j]), row.names = NULL)
}

# The second case: no treated person has yb = 1 at e = -2 (panel_cell.csv). Stata leaves the
# term out with those rows; the reference is R's glm on the other rows without that term.
p <- read.csv("tests/ref/did/panel.csv")
p$yb[p$treated == 1 & p$e == -2] <- 0L
write.csv(p[, c("id", "e", "treated", "g", "age", "girl", "yb")], "tests/ref/did/panel_cell.csv",
          row.names = FALSE)
s <- p[!(p$treated == 1 & p$e == -2), ]
X <- design(s, FALSE)
X <- X[, colnames(X) != "E-2:treated"]
cell <- deltas(s, X, c(0, 1, 2))
cell$rows_left_out <- sum(p$treated == 1 & p$e == -2)
write.csv(cell, "tests/ref/did/logit_cell.csv", row.names = FALSE)

# The third case: no control has yb = 1 at e = 0 (panel_ctl.csv). The term for e = 0 would run
# off; Stata leaves it out with those rows, and then the participants' e = 0 has nothing to be
# measured against: delta_0 is not estimable. The reference is R's glm on the other rows, where
# E0 and E0:treated are the same column (R aliases one); the other deltas are unchanged by
# which one goes.
p <- read.csv("tests/ref/did/panel.csv")
p$yb[p$treated == 0 & p$e == 0] <- 0L
write.csv(p[, c("id", "e", "treated", "g", "age", "girl", "yb")], "tests/ref/did/panel_ctl.csv",
          row.names = FALSE)
s <- p[!(p$treated == 0 & p$e == 0), ]
X <- design(s, FALSE)
X <- X[, colnames(X) != "E0:treated"]
ctl_out <- deltas(s, X, c(-2, 1, 2))
ctl_out$rows_left_out <- sum(p$treated == 0 & p$e == 0)
write.csv(ctl_out, "tests/ref/did/logit_ctl.csv", row.names = FALSE)
