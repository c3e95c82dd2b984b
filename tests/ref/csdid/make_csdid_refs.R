# tests/ref/csdid/make_csdid_refs.R - reference values for the Callaway & Sant'Anna (2021)
# group-time ATT estimator, reproducing R's did 2.5.1 (att_gt / aggte, analytic inference,
# bstrap = FALSE, faster_mode either way) with DRDID's panel 2x2 estimators (reg_did_panel,
# std_ipw_did_panel, drdid_panel, as in DRDID 1.2.3 / 1.3.0), written out in base R (did and
# DRDID are not installed here).
#
# Data: mpdta (500 counties, 2003-2007, cohorts 2004/2006/2007, first.treat 0 = never treated).
# Run from the worktree root:
#   Rscript tests/ref/csdid/make_csdid_refs.R [path/to/mpdta.csv] [outdir] [did|mle]
# defaults: ../shared/reference/mpdta.csv, tests/ref/csdid, did (the logit stopped where
# did's fastglm stops it; "mle" iterates it to machine precision - see logit() below).
#
# Writes att_gt.csv, agg.csv, pretest.csv, if_sample.csv, if_agg_sample.csv (see README.md),
# and checks every value in published.csv (did's own published output for mpdta, see README.md)
# - it stops if one does not match.

args <- commandArgs(trailingOnly = TRUE)
data_path <- if (length(args) >= 1) args[1] else "../shared/reference/mpdta.csv"
outdir <- if (length(args) >= 2) args[2] else "tests/ref/csdid"

# ---------------------------------------------------------------------------------------------
# data: one row per unit (sorted by id), outcome and covariates as unit x period matrices
# ---------------------------------------------------------------------------------------------
d <- read.csv(data_path)
d <- d[order(d$countyreal, d$year), ]
tlist <- sort(unique(d$year))
ids <- sort(unique(d$countyreal))
n <- length(ids)
nT <- length(tlist)
stopifnot(nrow(d) == n * nT)                       # balanced
Y <- matrix(d$lemp, n, nT, byrow = TRUE)
LPOP <- matrix(d$lpop, n, nT, byrow = TRUE)
gunit <- d$first.treat[d$year == tlist[1]]
stopifnot(all(matrix(d$first.treat, n, nT, byrow = TRUE) == gunit))
glist <- sort(unique(gunit[gunit > 0]))
glist <- glist[glist > tlist[1]]                   # (none is treated in the first period here)
design <- function(xf, tp) {                        # covariate matrix in period index tp
  if (xf == "~1") matrix(1, n, 1, dimnames = list(NULL, "(Intercept)"))
  else cbind("(Intercept)" = 1, lpop = LPOP[, tp])
}

# ---------------------------------------------------------------------------------------------
# DRDID 1.2.3 panel estimators (i.weights = 1, so the weight normalisation is a no-op)
# ---------------------------------------------------------------------------------------------
ols <- function(X, y) {                             # fastglm gaussian = OLS
  b <- qr.coef(qr(X), y)
  if (anyNA(b)) stop("OLS coefficients NA")
  b
}
# The propensity score. did calls fastglm::fastglm(x, D, binomial(), intercept = FALSE,
# method = 3) with its default tol = 1e-8: R's glm.fit IRLS (start mu = (D + 0.5) / 2, i.e.
# 0.75 / 0.25, eta = qlogis(mu); each step a weighted least squares with weights mu(1 - mu) on
# z = eta + (D - mu) / (mu(1 - mu))), stopped at the first iteration with
# |dev - dev_old| / (|dev| + 0.1) < 1e-8. That stop leaves the coefficients ~1e-9 off the exact
# MLE, which moves ipw/dr ATTs with covariates by up to ~5e-11; logit = "mle" instead iterates
# to machine precision (then the published did values are matched only to ~1e-10).
logit_mode <- if (length(args) >= 3) args[3] else "did"
stopifnot(logit_mode %in% c("did", "mle"))
logit <- function(X, D) {
  mu <- (D + 0.5) / 2
  eta <- qlogis(mu)
  devf <- function(mu) -2 * sum(D * log(mu) + (1 - D) * log(1 - mu))
  dev <- devf(mu)
  for (it in 1:100) {
    w <- mu * (1 - mu)
    z <- eta + (D - mu) / w
    b <- drop(solve(crossprod(X, w * X), crossprod(X, w * z)))
    eta <- drop(X %*% b)
    mu <- plogis(eta)
    devold <- dev
    dev <- devf(mu)
    # fastglm would halve the step here; never needed on these data
    if (it > 1 && (dev - devold) / (0.1 + abs(dev)) >= 1e-8) stop("deviance increased")
    if (abs(dev - devold) / (abs(dev) + 0.1) < 1e-8) break
  }
  if (logit_mode == "mle") for (k in 1:5) {
    w <- mu * (1 - mu)
    b <- b + drop(solve(crossprod(X, w * X), crossprod(X, D - mu)))
    mu <- plogis(drop(X %*% b))
  }
  list(coef = b, fitted = mu, iter = it)
}

ps_notes <- NULL                                    # max pscore, trimmed controls, IRLS steps
note_ps <- function(ps, D)
  ps_notes <<- rbind(ps_notes, c(max = max(ps$fitted), trimmed = sum(ps$fitted[D == 0] >= 0.995),
                                 iter = ps$iter))

reg_did_panel <- function(y1, y0, D, X) {
  n <- length(D); w <- rep(1, n)
  dy <- y1 - y0
  beta <- ols(X[D == 0, , drop = FALSE], dy[D == 0])
  out.delta <- drop(X %*% beta)
  w.treat <- w * D; w.cont <- w * D
  reg.att.treat <- w.treat * dy
  reg.att.cont <- w.cont * out.delta
  eta.treat <- mean(reg.att.treat) / mean(w.treat)
  eta.cont <- mean(reg.att.cont) / mean(w.cont)
  att <- eta.treat - eta.cont
  weights.ols <- w * (1 - D)
  wols.x <- weights.ols * X
  wols.eX <- weights.ols * (dy - out.delta) * X
  XpX <- crossprod(wols.x, X) / n
  asy.lin.rep.ols <- wols.eX %*% solve(XpX)
  inf.treat <- (reg.att.treat - w.treat * eta.treat) / mean(w.treat)
  inf.cont.1 <- reg.att.cont - w.cont * eta.cont
  M1 <- colMeans(w.cont * X)
  inf.cont.2 <- asy.lin.rep.ols %*% M1
  inf.control <- (inf.cont.1 + inf.cont.2) / mean(w.cont)
  list(att = att, inf = drop(inf.treat - inf.control))
}

std_ipw_did_panel <- function(y1, y0, D, X, trim.level = 0.995) {
  n <- length(D); w <- rep(1, n)
  dy <- y1 - y0
  ps <- logit(X, D)
  ps.fit <- pmin(ps$fitted, 1 - 1e-6)
  note_ps(ps, D)
  W <- ps.fit * (1 - ps.fit) * w
  trim.ps <- ps.fit < 1.01
  trim.ps[D == 0] <- ps.fit[D == 0] < trim.level
  w.treat <- trim.ps * w * D
  w.cont <- trim.ps * w * ps.fit * (1 - D) / (1 - ps.fit)
  att.treat <- w.treat * dy
  att.cont <- w.cont * dy
  eta.treat <- mean(att.treat) / mean(w.treat)
  eta.cont <- mean(att.cont) / mean(w.cont)
  att <- eta.treat - eta.cont
  score.ps <- w * (D - ps.fit) * X
  Hessian.ps <- chol2inv(chol(t(X) %*% (W * X))) * n
  asy.lin.rep.ps <- score.ps %*% Hessian.ps
  inf.treat <- (att.treat - w.treat * eta.treat) / mean(w.treat)
  inf.cont.1 <- att.cont - w.cont * eta.cont
  M2 <- colMeans(w.cont * (dy - eta.cont) * X)
  inf.cont.2 <- asy.lin.rep.ps %*% M2
  inf.control <- (inf.cont.1 + inf.cont.2) / mean(w.cont)
  list(att = att, inf = drop(inf.treat - inf.control))
}

drdid_panel <- function(y1, y0, D, X, trim.level = 0.995) {
  n <- length(D); w <- rep(1, n)
  dy <- y1 - y0
  ps <- logit(X, D)
  ps.fit <- pmin(ps$fitted, 1 - 1e-6)
  note_ps(ps, D)
  trim.ps <- ps.fit < 1.01
  trim.ps[D == 0] <- ps.fit[D == 0] < trim.level
  W <- ps.fit * (1 - ps.fit) * w
  beta <- ols(X[D == 0, , drop = FALSE], dy[D == 0])
  out.delta <- drop(X %*% beta)
  w.treat <- trim.ps * w * D
  w.cont <- trim.ps * w * ps.fit * (1 - D) / (1 - ps.fit)
  dr.att.treat <- w.treat * (dy - out.delta)
  dr.att.cont <- w.cont * (dy - out.delta)
  eta.treat <- mean(dr.att.treat) / mean(w.treat)
  eta.cont <- mean(dr.att.cont) / mean(w.cont)
  att <- eta.treat - eta.cont
  weights.ols <- w * (1 - D)
  wols.x <- weights.ols * X
  wols.eX <- weights.ols * (dy - out.delta) * X
  XpX <- crossprod(wols.x, X) / n
  asy.lin.rep.wols <- wols.eX %*% solve(XpX)
  score.ps <- w * (D - ps.fit) * X
  Hessian.ps <- chol2inv(chol(t(X) %*% (W * X))) * n
  asy.lin.rep.ps <- score.ps %*% Hessian.ps
  inf.treat.1 <- dr.att.treat - w.treat * eta.treat
  M1 <- colMeans(w.treat * X)
  inf.treat.2 <- asy.lin.rep.wols %*% M1
  inf.treat <- (inf.treat.1 - inf.treat.2) / mean(w.treat)
  inf.cont.1 <- dr.att.cont - w.cont * eta.cont
  M2 <- colMeans(w.cont * (dy - out.delta - eta.cont) * X)
  inf.cont.2 <- asy.lin.rep.ps %*% M2
  M3 <- colMeans(w.cont * X)
  inf.cont.3 <- asy.lin.rep.wols %*% M3
  inf.control <- (inf.cont.1 + inf.cont.2 - inf.cont.3) / mean(w.cont)
  list(att = att, inf = drop(inf.treat - inf.control))
}

estimators <- list(reg = reg_did_panel, ipw = std_ipw_did_panel, dr = drdid_panel)

# ---------------------------------------------------------------------------------------------
# did 2.5.1 att_gt (compute.att_gt / compute.att_gt2, balanced panel, anticipation 0)
# ---------------------------------------------------------------------------------------------
att_gt <- function(method, control, base_period, xf) {
  tfac <- if (base_period == "universal") 0L else 1L
  tlen <- if (base_period == "universal") nT else nT - 1L
  rows <- list(); IF <- list()
  for (g in glist) {
    pret_g <- max(which(tlist < g))                 # last period before g (index)
    for (t in seq_len(tlen)) {
      cur <- t + tfac                               # index of the period reported
      pret <- if (base_period == "universal") pret_g else t
      if (g <= tlist[cur]) pret <- pret_g           # post-treatment: base period g-1
      if (base_period == "universal" && pret == cur) {
        # the reference period g-1: reported with att 0 and a zero influence function
        rows[[length(rows) + 1]] <- data.frame(group = g, time = tlist[cur], att = 0, n1 = NA)
        IF[[length(IF) + 1]] <- rep(0, n)
        next
      }
      if (control == "nevertreated") {
        C <- gunit == 0
      } else {
        thr <- tlist[max(t, pret) + tfac]           # = max(current period, base period)
        C <- gunit == 0 | (gunit > thr & gunit != g)
      }
      G <- gunit == g
      keep <- which(G | C)
      early <- min(cur, pret)                       # covariates (and weights) from the earlier period
      X <- design(xf, early)[keep, , drop = FALSE]
      res <- estimators[[method]](Y[keep, cur], Y[keep, pret], as.numeric(G[keep]), X)
      inf <- rep(0, n)
      inf[keep] <- (n / length(keep)) * res$inf     # did's n/n1 rescaling
      rows[[length(rows) + 1]] <- data.frame(group = g, time = tlist[cur], att = res$att,
                                             n1 = length(keep))
      IF[[length(IF) + 1]] <- inf
    }
  }
  out <- do.call(rbind, rows)
  IF <- do.call(cbind, IF)
  V <- crossprod(IF) / n
  se <- sqrt(diag(V) / n)
  se[se <= sqrt(.Machine$double.eps) * 10] <- NA
  out$se <- se
  # Wald pre-test (att_gt.R): cells with group > time, minus those with NA/zero se
  pre <- which(out$group > out$time & !is.na(se))
  preatt <- out$att[pre]
  preV <- V[pre, pre, drop = FALSE]
  W <- drop(n * t(preatt) %*% solve(preV) %*% preatt)
  q <- length(pre)
  list(att = out, IF = IF, V = V, W = W, q = q, p = 1 - pchisq(W, q), rcond = rcond(preV))
}

# ---------------------------------------------------------------------------------------------
# did 2.5.1 aggte (compute.aggte.R), analytic SEs, balance_e/min_e/max_e at their defaults
# ---------------------------------------------------------------------------------------------
getSE <- function(inf) {
  se <- sqrt(mean(inf^2) / n)
  if (se <= sqrt(.Machine$double.eps) * 10) NA else se
}
wif <- function(keepers, pg, G, group) {
  Spg <- sum(pg[keepers])
  centered <- sapply(keepers, function(k) 1 * (G == group[k]) - pg[k])
  centered <- matrix(centered, nrow = n)
  if1 <- centered / Spg
  if2 <- rowSums(centered) %*% t(pg[keepers] / Spg^2)
  if1 - if2
}
agg_if <- function(att, IF, which, w, wif = NULL) {
  f <- IF[, which, drop = FALSE] %*% as.matrix(w)
  if (!is.null(wif)) f <- f + wif %*% as.matrix(att[which])
  drop(f)
}
aggte <- function(r) {
  group <- r$att$group; t <- r$att$time; att <- r$att$att; IF <- r$IF
  pgg <- sapply(glist, function(g) mean(gunit == g))   # P(G = g) over all n units
  pg <- pgg[match(group, glist)]
  out <- list(); infs <- list()
  add <- function(type, key, est, inf) {
    out[[length(out) + 1]] <<- data.frame(type = type, key = key, estimate = est, se = getSE(inf))
    infs[[length(infs) + 1]] <<- inf
  }
  # simple
  keep <- which(group <= t)
  add("simple", NA, sum(att[keep] * pg[keep]) / sum(pg[keep]),
      agg_if(att, IF, keep, pg[keep] / sum(pg[keep]), wif(keep, pg, gunit, group)))
  # dynamic (event time)
  eseq <- sort(unique(t - group))
  att.e <- numeric(0); IF.e <- NULL
  for (e in eseq) {
    we <- which(t - group == e)
    pge <- pg[we] / sum(pg[we])
    a <- sum(att[we] * pge)
    f <- agg_if(att, IF, we, pge, wif(we, pg, gunit, group))
    add("dynamic", e, a, f)
    att.e <- c(att.e, a); IF.e <- cbind(IF.e, f)
  }
  epos <- eseq >= 0
  add("dynamic", NA, mean(att.e[epos]),
      agg_if(att.e[epos], IF.e[, epos, drop = FALSE], seq_len(sum(epos)),
             rep(1 / sum(epos), sum(epos))))
  # group
  att.g <- numeric(0); IF.g <- NULL
  for (g in glist) {
    wg <- which(group == g & g <= t)
    a <- mean(att[wg])
    f <- agg_if(att, IF, wg, pg[wg] / sum(pg[wg]))             # no wif within a group
    add("group", g, a, f)
    att.g <- c(att.g, a); IF.g <- cbind(IF.g, f)
  }
  add("group", NA, sum(att.g * pgg) / sum(pgg),
      agg_if(att.g, IF.g, seq_along(glist), pgg / sum(pgg),
             wif(seq_along(glist), pgg, gunit, glist)))
  # calendar
  ctl <- sort(unique(t)); ctl <- ctl[ctl >= min(group)]
  att.t <- numeric(0); IF.t <- NULL
  for (t1 in ctl) {
    wt <- which(t == t1 & group <= t)
    pgt <- pg[wt] / sum(pg[wt])
    a <- sum(pgt * att[wt])
    f <- agg_if(att, IF, wt, pgt, wif(wt, pg, gunit, group))
    add("calendar", t1, a, f)
    att.t <- c(att.t, a); IF.t <- cbind(IF.t, f)
  }
  add("calendar", NA, mean(att.t),
      agg_if(att.t, IF.t, seq_along(ctl), rep(1 / length(ctl), length(ctl))))
  list(tab = do.call(rbind, out), IF = do.call(cbind, infs))
}

# ---------------------------------------------------------------------------------------------
# all specifications
# ---------------------------------------------------------------------------------------------
specs <- expand.grid(xformla = c("~1", "~lpop"), base_period = c("varying", "universal"),
                     control = c("nevertreated", "notyettreated"), method = c("reg", "ipw", "dr"),
                     stringsAsFactors = FALSE)[, 4:1]
specs$spec <- with(specs, paste(method, control, base_period,
                                ifelse(xformla == "~1", "x1", "lpop"), sep = "_"))
specs <- specs[, c("spec", "method", "control", "base_period", "xformla")]

res <- list()
A <- list(); G <- list(); P <- list(); S <- list(); SA <- list()
sample_ids <- c(ids[gunit == 0][1:2], ids[gunit == 2004][1], ids[gunit == 2006][1],
                ids[gunit == 2007][1])
for (i in seq_len(nrow(specs))) {
  s <- specs[i, ]
  r <- att_gt(s$method, s$control, s$base_period, s$xformla)
  res[[s$spec]] <- r
  A[[i]] <- cbind(s, r$att[, c("group", "time", "att", "se")], row.names = NULL)
  ag <- aggte(r)
  G[[i]] <- cbind(s, ag$tab, row.names = NULL)
  P[[i]] <- cbind(s, W = r$W, df = r$q, p = r$p, Wpval_did = sprintf("%.5f", round(r$p, 5)), row.names = NULL)
  rows <- match(sample_ids, ids)
  S[[i]] <- cbind(s, countyreal = rep(sample_ids, ncol(r$IF)),
                  first.treat = rep(gunit[rows], ncol(r$IF)),
                  group = rep(r$att$group, each = length(rows)),
                  time = rep(r$att$time, each = length(rows)),
                  inffunc = as.vector(r$IF[rows, ]), row.names = NULL)
  SA[[i]] <- cbind(s, countyreal = rep(sample_ids, ncol(ag$IF)),
                   first.treat = rep(gunit[rows], ncol(ag$IF)),
                   type = rep(ag$tab$type, each = length(rows)),
                   key = rep(ifelse(is.na(ag$tab$key), "", ag$tab$key), each = length(rows)),
                   inffunc = as.vector(ag$IF[rows, ]), row.names = NULL)
}
att_tab <- do.call(rbind, A)
agg_tab <- do.call(rbind, G)
pre_tab <- do.call(rbind, P)
if_tab <- do.call(rbind, S)
if_agg_tab <- do.call(rbind, SA)

# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------
sub_att <- function(sp) att_tab[att_tab$spec == sp, ]

# (1) published did output (published.csv: the did README and vignette, printed to 4-5 digits;
# R did runs with analytic SEs stored at 15 digits in d2cml-ai/csdid and anzonyquispe/csdidjl;
# did 2.5.1's own output at 10 decimals in pedrohcgs/csdid-stata's R crosswalk). A value printed
# to d digits must equal ours rounded to d digits; a full-precision one must agree to 1e-13
# (in did mode; with logit = "mle" the ipw/dr ~lpop cells differ by up to ~5e-11).
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
pub <- read.csv(file.path(script_dir, "published.csv"), colClasses = c(key = "character"))
ours <- function(r) {
  if (r$table == "att_gt") {
    x <- att_tab[att_tab$spec == r$spec & att_tab$group == r$group & att_tab$time == r$time, ]
    return(x[[r$quantity]])
  }
  if (r$table == "agg") {
    x <- agg_tab[agg_tab$spec == r$spec & agg_tab$type == r$type &
                 (if (r$key == "") is.na(agg_tab$key) else (!is.na(agg_tab$key) & agg_tab$key == as.numeric(r$key))), ]
    return(x[[r$quantity]])
  }
  x <- pre_tab[pre_tab$spec == r$spec, ]
  if (r$quantity == "W") x$W else x$p
}
pub$ours <- sapply(seq_len(nrow(pub)), function(i) { v <- ours(pub[i, ]); stopifnot(length(v) == 1); v })
pub$diff <- pub$ours - pub$value
pub$ok <- ifelse(is.na(pub$digits),
                 ifelse(is.na(pub$value), is.na(pub$ours), abs(pub$diff) <= 1e-13),
                 round(pub$ours, pub$digits) == pub$value)
pub$ok[is.na(pub$ok)] <- FALSE
for (src in unique(pub$source)) {
  x <- pub[pub$source == src, ]
  full <- is.na(x$digits)
  cat(sprintf("%-95s %3d values: %s%s\n", src, nrow(x), if (all(x$ok)) "all match" else "MISMATCH",
              if (any(full)) sprintf(" (max |diff| %.1e)", max(abs(x$diff[full]), na.rm = TRUE)) else ""))
}
if (!all(pub$ok) && logit_mode == "did") { print(pub[!pub$ok, ]); stop("published values not reproduced") }

# (2) with ~1 the three 2x2 estimators coincide (the pscore is the cohort share)
for (cg in c("nevertreated", "notyettreated")) for (bp in c("varying", "universal")) {
  a <- sapply(c("reg", "ipw", "dr"), function(m) sub_att(paste(m, cg, bp, "x1", sep = "_"))$att)
  s <- sapply(c("reg", "ipw", "dr"), function(m) sub_att(paste(m, cg, bp, "x1", sep = "_"))$se)
  cat(sprintf("~1 %s/%s: reg/ipw/dr max |att diff| %.1e, max |se diff| %.1e\n", cg, bp,
              max(abs(a - a[, 1])), max(abs(s - s[, 1]), na.rm = TRUE)))
  stopifnot(max(abs(a - a[, 1])) < 1e-12, max(abs(s - s[, 1]), na.rm = TRUE) < 1e-12)
}
# (3) influence functions average to zero (to the logit's convergence for ipw/dr ~lpop)
ifmean <- max(sapply(res, function(r) max(abs(colMeans(r$IF)))))
cat(sprintf("influence functions: max |column mean| %.1e\n", ifmean))
stopifnot(ifmean < 1e-9)
# (4) never-treated controls: universal = varying in the post cells and in W
for (m in c("reg", "ipw", "dr")) for (x in c("x1", "lpop")) {
  v <- res[[paste(m, "nevertreated_varying", x, sep = "_")]]
  u <- res[[paste(m, "nevertreated_universal", x, sep = "_")]]
  pv <- v$att$time >= v$att$group; pu <- u$att$time >= u$att$group
  stopifnot(max(abs(v$att$att[pv] - u$att$att[pu])) < 1e-15, max(abs(v$IF[, pv] - u$IF[, pu])) < 1e-15,
            abs(v$W - u$W) < 1e-10)
}
# (5) did's per-cell guards never fire on mpdta: max pscore < 0.999, no control trimmed
cat(sprintf("pscore: max %.4f, trimmed controls %d, IRLS iterations %d-%d\n", max(ps_notes[, "max"]),
            sum(ps_notes[, "trimmed"]), min(ps_notes[, "iter"]), max(ps_notes[, "iter"])))
stopifnot(max(ps_notes[, "max"]) < 0.999, sum(ps_notes[, "trimmed"]) == 0)

# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------
fmt <- function(df) {
  for (j in seq_along(df)) if (is.double(df[[j]])) {
    v <- df[[j]]
    df[[j]] <- ifelse(is.na(v), "NA", sprintf("%.17g", v))
  }
  df
}
wr <- function(df, f) {
  write.csv(fmt(df), file.path(outdir, f), row.names = FALSE, quote = FALSE)
  cat("wrote", file.path(outdir, f), nrow(df), "rows\n")
}
agg_tab$key <- ifelse(is.na(agg_tab$key), "", as.character(agg_tab$key))
wr(att_tab, "att_gt.csv")
wr(agg_tab, "agg.csv")
wr(pre_tab, "pretest.csv")
wr(if_tab, "if_sample.csv")
wr(if_agg_tab, "if_agg_sample.csv")
