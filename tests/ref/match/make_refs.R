# Reference matches for tests/test_match.c, from MatchIt (Debian r-cran-matchit 4.5.1) on its
# lalonde data and on a generated data set with tied scores.
#
# MatchIt 4.5.1 as Debian builds it compares distances with the integer abs(): in
# nn_matchC_vec.cpp, abs(distance[k] - d) truncates the difference to an int, so with
# propensity scores in (0, 1) every pair of candidates ties (the left one always wins) and
# no caliper ever excludes anyone (check: treated 0.5, controls 0.4 and 0.55, caliper 0.01 raw:
# MatchIt matches 0.4). effekt does not copy that. The references are made with the distance
# scaled by 1e9 (and raw calipers likewise), where the integer truncation keeps the order of
# every difference above 1e-9: MatchIt's rules then give the intended matches, and those are
# what effekt must reproduce on the unscaled score.
# Run from the project root:  Rscript tests/ref/match/make_refs.R
# Writes <data>.csv (the data, with MatchIt's propensity score as `ps`), and per specification
# <data>_<spec>.csv with one row per unit: row (1-based), weight, and the matched control rows
# of treated units (m1..mk, empty where none), in MatchIt's match.matrix order.
suppressMessages(library(MatchIt))
out <- "tests/ref/match"
data("lalonde", package = "MatchIt")
lal <- lalonde
lal$race <- as.character(lal$race)
set.seed(7)
n <- 400
ties <- data.frame(treat = rbinom(n, 1, 0.3), a = sample(1:4, n, TRUE), b = sample(0:1, n, TRUE),
                   s = sample(c("K", "M"), n, TRUE))
specs <- list(
  default = list(),
  ratio2 = list(ratio = 2),
  replace = list(replace = TRUE),
  caliper = list(caliper = 0.1),
  caliper_raw = list(caliper = 0.02, std.caliper = FALSE),
  smallest = list(m.order = "smallest"),
  data_order = list(m.order = "data"),
  discard_both = list(discard = "both"),
  exact = list(exact = "s"),
  caliper_exact = list(caliper = 0.1, exact = "s"),
  ratio2_replace = list(ratio = 2, replace = TRUE),
  ratio2_caliper = list(ratio = 2, caliper = 0.1),
  discard_caliper = list(discard = "both", caliper = 0.1),
  smallest_exact = list(m.order = "smallest", exact = "s"),
  discard_treated = list(discard = "treated"),
  discard_control = list(discard = "control"),
  exact_ratio2 = list(exact = "s", ratio = 2)
)
run <- function(name, d, f, specs) {
  ps <- glm(f, data = d, family = binomial, control = glm.control(epsilon = 1e-15, maxit = 100))$fitted.values
  d$ps <- ps
  dw <- d; dw$ps <- sprintf("%.17g", ps)  # every digit: ties must survive the trip
  write.csv(dw, file.path(out, paste0(name, ".csv")), row.names = FALSE)
  for (s in names(specs)) {
    if (name == "lalonde" && grepl("exact", s)) { args <- specs[[s]]; args$exact <- "married" } else args <- specs[[s]]
    if (!is.null(args$std.caliper) && !args$std.caliper) args$caliper <- args$caliper * 1e9
    m <- do.call(matchit, c(list(formula = f, data = d, distance = ps * 1e9, method = "nearest"), args))
    mm <- m$match.matrix
    rows <- match(rownames(mm), rownames(d))
    mmrows <- matrix(match(mm, rownames(d)), nrow = nrow(mm))
    res <- data.frame(row = seq_len(nrow(d)), weight = sprintf("%.17g", m$weights))
    for (j in seq_len(ncol(mmrows))) {
      col <- rep(NA_integer_, nrow(d)); col[rows] <- mmrows[, j]; res[[paste0("m", j)]] <- col
    }
    write.csv(res, file.path(out, paste0(name, "_", s, ".csv")), row.names = FALSE, na = "")
    if (name == "lalonde" && s %in% c("default", "ratio2", "replace", "caliper")) {
      sm <- summary(m, standardize = TRUE)
      tab <- function(x, sample) data.frame(var = rownames(x), sample = sample,
        mean_t = sprintf("%.17g", x[, 1]), mean_c = sprintf("%.17g", x[, 2]), smd = sprintf("%.17g", x[, 3]),
        var_ratio = ifelse(is.na(x[, 4]), "", sprintf("%.17g", x[, 4])), ecdf_mean = sprintf("%.17g", x[, 5]),
        ecdf_max = sprintf("%.17g", x[, 6]))
      bal <- rbind(tab(sm$sum.all, "all"), tab(sm$sum.matched, "matched"))
      write.csv(bal[bal$var != "distance", ], file.path(out, paste0(name, "_", s, ".balance.csv")),
                row.names = FALSE)
    }
  }
}
run("lalonde", lal, treat ~ age + educ + race + married + nodegree + re74 + re75, specs)
run("ties", ties, treat ~ a + b, specs)
writeLines(c("Made by: Rscript tests/ref/match/make_refs.R",
             sprintf("R %s, MatchIt %s, on %s", getRversion(), packageVersion("MatchIt"), Sys.Date())),
           file.path(out, "SOURCE.txt"))
