# tests/ref/rosenbaum/make_rosenbaum_refs.R - reference values for tests/test_rosenbaum.c
# (src/rosenbaum.c, Rosenbaum's sensitivity bounds), base R only. Run from the project root:
#   Rscript tests/ref/rosenbaum/make_rosenbaum_refs.R
# Writes, beside this script:
#   signrank_pairs.csv  set,d: the paired differences of each data set (empty d = missing)
#   signrank.csv        set,source,direction,n_used,gamma,statistic,p_upper,p_lower, where source
#     psignrank    Gamma = 1, no ties: psignrank(T - 1, n, lower.tail = FALSE)
#     brute        ties and zeros, n_used <= 14: all 2^n sign patterns, each weighted
#                  p^k (1 - p)^(n - k), p = Gamma/(1 + Gamma) (upper) or 1/(1 + Gamma) (lower)
#     convolution  ties, n_used up to 120: the distribution of sum r_i B_i built pair by pair
#                  (no grouping of ties, no binomial pmf) on doubled ranks
#     wilcox       Gamma = 1, the normal approximation: wilcox.test(exact = FALSE,
#                  correct = TRUE), which drops zeros and corrects the variance for ties
#     binomial     2 or 3 distinct |d|, up to 20,000 pairs: the tie groups' counts are
#                  binomial; a sum over all groups but the last of R's dbinom times the last
#                  group's upper tail, R's pbinom
#     normal       Gamma > 1, the normal approximation written out: mean p sum(r), variance
#                  p (1 - p) sum(r^2), continuity correction 1/2
#   mcnemar.csv         treated_only,control_only,direction,gamma,p_upper,p_lower: p_upper from
#                  binom.test(k, D, Gamma/(1+Gamma), alternative = "greater"), p_lower from
#                  pbinom(k - 1, D, 1/(1+Gamma), lower.tail = FALSE)
dir <- "tests/ref/rosenbaum"
f17 <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
grid <- 1 + (0:20) / 10            # as eff_rosen_default_grid: 1 + k/10 in double
pairs <- list()
rows <- list()
add_set <- function(name, d) pairs[[name]] <<- d
add_row <- function(set, source, direction, n_used, gamma, stat, up, lo)
    rows[[length(rows) + 1]] <<- data.frame(set = set, source = source, direction = direction,
        n_used = n_used, gamma = f17(gamma), statistic = f17(stat), p_upper = f17(up),
        p_lower = f17(lo))

# Ranks of the non-zero, non-missing |d|; T for the direction.
prep <- function(d, direction) {
    x <- d[!is.na(d) & d != 0]
    r <- rank(abs(x))
    hit <- if (direction > 0) x > 0 else x < 0
    list(x = x, r = r, r2 = as.integer(round(2 * r)), t = sum(r[hit]), t2 = as.integer(round(2 * sum(r[hit]))))
}

# 1. Gamma = 1, no ties: R's exact signed-rank distribution.
set.seed(20261)
for (n in c(1, 3, 8, 15, 25, 40, 60, 100, 200, 300)) {
    name <- sprintf("psign_%d", n)
    # distinct |d| (a sample without replacement), mostly positive
    d <- sample(1:(10 * n), n) / 8 * ifelse(runif(n) < 0.65, 1, -1)
    add_set(name, d)
    for (direction in c(1, -1)) {
        p <- prep(d, direction)
        pv <- psignrank(p$t - 1, n, lower.tail = FALSE)
        add_row(name, "psignrank", direction, n, 1, p$t, pv, pv)
    }
}

# 2. Brute force over all sign patterns, ties, zeros and missing pairs included.
brute <- function(name, d, direction) {
    p <- prep(d, direction)
    n <- length(p$x)
    stopifnot(n <= 14)
    m <- as.matrix(expand.grid(rep(list(0:1), n)))
    s <- as.vector(m %*% p$r2)
    k <- rowSums(m)
    ge <- s >= p$t2
    for (g in grid) {
        up <- sum((g / (1 + g))^k[ge] * (1 / (1 + g))^(n - k[ge]))
        lo <- sum((1 / (1 + g))^k[ge] * (g / (1 + g))^(n - k[ge]))
        add_row(name, "brute", direction, n, g, p$t, up, lo)
    }
}
bsets <- list(
    brute_ties = c(1, 2, 2, -3, 3, 0, 4, -1, 5, 5, 5, -2, 0, 0.5),
    brute_int = c(sample(-3:3, 14, replace = TRUE), NA),
    brute_binary = c(2, 1, 1, -1, 0, 2, 1, -2, 1, 0, 1, 1, -1, 2, 1, 0, NA),
    brute_untied = round(rnorm(11, 0.4), 4),
    brute_halves = c(0.5, 0.5, -0.5, 1.5, 1.5, 1.5, -2.5, 2.5, 3, 3, -3, 0, 7))
for (name in names(bsets)) {
    add_set(name, bsets[[name]])
    for (direction in c(1, -1))
        brute(name, bsets[[name]], direction)
}

# 3. Pair-by-pair convolution for larger sets with ties.
convolve <- function(name, d, direction) {
    p <- prep(d, direction)
    tot <- sum(p$r2)
    for (g in grid) {
        tail <- function(pr) {
            dist <- c(1, rep(0, tot))   # dist[s + 1] = P(sum = s)
            for (r in p$r2)
                dist <- (1 - pr) * dist + pr * c(rep(0, r), dist[seq_len(tot + 1 - r)])
            sum(dist[(p$t2 + 1):(tot + 1)])
        }
        add_row(name, "convolution", direction, length(p$x), g, p$t, tail(g / (1 + g)),
                tail(1 / (1 + g)))
    }
}
csets <- list(
    conv_int = sample(-4:6, 60, replace = TRUE),
    conv_round = c(round(rnorm(120, 0.15), 1), NA, NA),
    conv_binary = sample(c(-2, -1, 0, 1, 2), 80, replace = TRUE, prob = c(0.2, 0.3, 0.2, 0.2, 0.1)),
    conv_untied = sample(1:500, 100) / 3 * ifelse(runif(100) < 0.6, 1, -1))
for (name in names(csets)) {
    add_set(name, csets[[name]])
    convolve(name, csets[[name]], if (name == "conv_binary") -1 else 1)
}

# 4. Large sets with 2 or 3 distinct |d| (binary outcomes: |d| in {1, 2}): the ties grouped,
#    sum over the counts of all groups but the last of dbinom(...) times the last group's
#    upper tail pbinom(..., lower.tail = FALSE) (R's dbinom and pbinom: Loader's algorithm
#    and TOMS 708, not GSL).
grouped <- function(name, d, direction) {
    p <- prep(d, direction)
    tab <- table(p$r2)
    r <- as.numeric(names(tab)); m <- as.vector(tab)
    G <- length(r)
    outer <- as.matrix(expand.grid(lapply(m[-G], function(mm) 0:mm)))
    base <- as.vector(outer %*% r[-G])
    for (g in grid) {
        tail <- function(pr) {
            w <- apply(sapply(seq_len(G - 1), function(j) dbinom(outer[, j], m[j], pr)), 1, prod)
            need <- ceiling((p$t2 - base) / r[G])
            up <- ifelse(need <= 0, 1, pbinom(need - 1, m[G], pr, lower.tail = FALSE))
            sum(w * up)
        }
        add_row(name, "binomial", direction, length(p$x), g, p$t, tail(g / (1 + g)),
                tail(1 / (1 + g)))
    }
}
gsets <- list(
    binom_2000 = sample(c(-2, -1, 0, 1, 2), 2000, replace = TRUE, prob = c(0.1, 0.2, 0.4, 0.2, 0.1) + c(-0.02, -0.02, 0, 0.02, 0.02)),
    binom_20000 = sample(c(-2, -1, 0, 1, 2), 20000, replace = TRUE, prob = c(0.1, 0.17, 0.45, 0.18, 0.1)),
    three_900 = sample(c(-3:3, NA), 900, replace = TRUE, prob = c(0.1, 0.1, 0.11, 0.15, 0.18, 0.18, 0.17, 0.01)))
for (name in names(gsets)) {
    add_set(name, gsets[[name]])
    grouped(name, gsets[[name]], 1)
}

# 5. The normal approximation: wilcox.test at Gamma = 1, the formula at Gamma > 1.
for (name in c("conv_int", "conv_round", "conv_untied")) {
    d <- pairs[[name]]
    for (direction in c(1, -1)) {
        p <- prep(d, direction)
        w <- wilcox.test(d[!is.na(d)], alternative = if (direction > 0) "greater" else "less",
                         exact = FALSE, correct = TRUE)$p.value
        add_row(name, "wilcox", direction, length(p$x), 1, p$t, w, w)
        nrm <- function(pr) pnorm((p$t - 0.5 - pr * sum(p$r)) / sqrt(pr * (1 - pr) * sum(p$r^2)),
                                  lower.tail = FALSE)
        for (g in grid[-1])
            add_row(name, "normal", direction, length(p$x), g, p$t, nrm(g / (1 + g)), nrm(1 / (1 + g)))
    }
}

pd <- do.call(rbind, lapply(names(pairs), function(s) data.frame(set = s, d = f17(pairs[[s]]))))
write.csv(pd, file.path(dir, "signrank_pairs.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, rows), file.path(dir, "signrank.csv"), row.names = FALSE, quote = FALSE)

# 6. McNemar.
mc <- list()
cases <- rbind(c(12, 3), c(3, 12), c(50, 40), c(0, 5), c(5, 0), c(1, 0), c(400, 310),
               c(1500, 1400), c(9000, 8500))
for (i in seq_len(nrow(cases))) for (direction in c(1, -1)) for (g in c(1, 1.1, 1.3, 1.5, 2, 3)) {
    t1 <- cases[i, 1]; c1 <- cases[i, 2]
    k <- if (direction > 0) t1 else c1
    D <- t1 + c1
    up <- binom.test(k, D, g / (1 + g), alternative = "greater")$p.value
    lo <- pbinom(k - 1, D, 1 / (1 + g), lower.tail = FALSE)
    mc[[length(mc) + 1]] <- data.frame(treated_only = t1, control_only = c1, direction = direction,
                                       gamma = f17(g), p_upper = f17(up), p_lower = f17(lo))
}
write.csv(do.call(rbind, mc), file.path(dir, "mcnemar.csv"), row.names = FALSE, quote = FALSE)
writeLines(c("Made by: Rscript tests/ref/rosenbaum/make_rosenbaum_refs.R",
             sprintf("%s, on %s", R.version.string, format(Sys.Date()))),
           file.path(dir, "SOURCE.txt"))
