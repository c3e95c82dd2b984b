# tests/ref/ind/make_ind_refs.R - a small register world for the indicator engine's test
# (tests/test_indicator.c) and every indicator of tests/data/ind/ind.ini computed from it in
# base R, independently of effekt. Writes tests/data/ind/*.csv (the registers, rows shuffled,
# a few ids that match nobody) and tests/ref/ind/expected.csv
# (indicator,group,subgroup,year,value,n,gone). Run from the project root:
#     Rscript tests/ref/ind/make_ind_refs.R
# R 4.x, base only. The world is random but fixed by the seed.
set.seed(20261205)
dir.create("tests/data/ind", showWarnings = FALSE)
years <- 2014:2016
N <- 3000
pnr <- sprintf("7%09d", sample.int(999999999, N))
sex <- sample(c("M", "K"), N, TRUE)
born <- sample(1940:2013, N, TRUE)
birthday <- as.Date(sprintf("%d-01-01", born)) + sample(0:364, N, TRUE)
origin <- sample(c("dansk", "vestlig", "ikke_vestlig", NA), N, TRUE, c(.6, .1, .28, .02))
estate <- sample(c(NA, 1:8), N, TRUE, c(.4, rep(.6 / 8, 8)))   # 1-4 udsat, 5-8 almen
family <- sample.int(1200, N, TRUE)
estates <- data.frame(estate_id = 1:8, plan_id = c(1, 1, 2, 2, NA, NA, NA, NA),
                      plan_2006_10 = 0, plan_2011_14 = c(1, 1, 1, 1, 0, 0, 0, 0))
weights <- data.frame(omraadetype = c("udsat", "almen", "oevrig"), sampling_fraction = c(1, .5, .1),
                      weight = c(1, 2, 10))
area_of <- function(e) ifelse(is.na(e), "oevrig", ifelse(e <= 4, "udsat", "almen"))
write <- function(d, name) {
  d <- d[sample.int(nrow(d)), , drop = FALSE]               # registers need not be sorted
  write.csv(d, file.path("tests/data/ind", name), row.names = FALSE, na = "", quote = FALSE)
}
write(estates, "afdelinger.csv")
write(weights, "omraader.csv")
reg <- list()
fam_base <- rlnorm(1200, log(400000), .5)
u_enr <- runif(N); u_emp <- runif(N)
for (y in years) {
  alive <- runif(N) < .95                                     # some persons are missing a year
  age <- y - born
  b <- data.frame(PNR = pnr, KOEN = sex, FOED_DAG = format(birthday), ALDER = age,
                  herkomst = origin, afdeling = estate, FAMILIE_ID = family)[alive, ]
  keep <- function(u) ifelse(runif(N) < .8, u, runif(N))       # persistent from year to year
  u <- data.frame(PNR = pnr, i_uddannelse = as.integer(keep(u_enr) < ifelse(age < 25, .7, .08)),
                  UDD = ifelse(age < 16, 1010, ifelse(age < 20, 2010, 5010)),
                  erhvkomp = as.integer(runif(N) < .6))[age >= 6, ]
  u$UDD[u$i_uddannelse == 0] <- NA
  h <- data.frame(PNR = pnr, LOENTIMER = round(runif(N, 0, 400)))[runif(N) < .5 & age >= 13, ]
  klasse <- pmin(age - 6, 9)
  f <- data.frame(PNR = pnr, KLASSETRIN = klasse, FRAVAER_PCT = round(rexp(N, 1 / 6), 2),
                  AFGANGSPROEVE = ifelse(klasse == 9, as.integer(runif(N) < .8), NA))[age >= 6 & age <= 16, ]
  r <- data.frame(PNR = pnr, BESKST = ifelse(keep(u_emp) < .6, 1L, sample(2:4, N, TRUE)))[age >= 16 & age <= 74, ]
  fam_inc <- round(fam_base * exp(rnorm(1200, 0, .1)))   # persistent: poverty over years
  i <- data.frame(PNR = pnr, FAMAEKVIVADISP = round(fam_inc[family] / 1.8), FAMDISPON_NY = fam_inc[family],
                  FORMUE = round(rnorm(1200, 2e5, 3e5))[family])
  i$FAMAEKVIVADISP[runif(N) < .01] <- NA
  nk <- 400
  who <- sample(pnr[age >= 10 & age <= 25], nk, TRUE)
  case <- sprintf("C%05d", sample.int(300, nk, TRUE))
  date <- as.Date(sprintf("%d-01-01", y)) + sample(-20:364, nk, TRUE)  # a few in the year before
  k <- data.frame(PNR = who, SAGSNR = case, GERNINGSDATO = format(date), KATEGORI = NA)
  kage <- y - born[match(who, pnr)]
  k$KATEGORI <- ifelse(kage < 15, "mistanke", "sigtelse")
  k <- rbind(k, k[1:20, ])                                    # one case on one date twice
  stranger <- data.frame(PNR = "7999999999", KLASSETRIN = 5, FRAVAER_PCT = 50, AFGANGSPROEVE = NA)
  write(b, sprintf("bef%d.csv", y)); write(u, sprintf("udda%d.csv", y))
  write(h, sprintf("bfl%d.csv", y)); write(rbind(f, stranger), sprintf("fravaer%d.csv", y))
  write(r, sprintf("ras%d.csv", y)); write(i, sprintf("ind%d.csv", y)); write(k, sprintf("krim%d.csv", y))
  reg[[as.character(y)]] <- list(b = b, u = u, h = h, f = f, r = r, i = i, k = k)
}

# ---- the indicators, as tests/data/ind/ind.ini defines them ----
out <- list()
emit <- function(id, y, d, x, sub = NULL) {
  # d: the population (PNR, area, weight, subgroup columns); x: each person's value
  d$x <- x
  d <- d[!is.na(d$x), ]
  d$s <- "all"
  if (!is.null(sub)) {
    d$s <- do.call(paste, c(lapply(sub, function(s) paste0(tolower(s), "=", d[[s]])), sep = "&"))
    d$s[Reduce(`|`, lapply(sub, function(s) is.na(d[[s]])))] <- NA  # only in "all"
  }
  cells <- list()
  for (g in c("udsat", "almen", "befolkning")) {
    dg <- if (g == "befolkning") d else d[d$area == g, ]
    subs <- if (is.null(sub)) "all" else c("all", sort(unique(na.omit(d$s))))
    for (s in subs) {
      ds <- if (s == "all") dg else dg[!is.na(dg$s) & dg$s == s, ]
      v <- if (nrow(ds)) sum(ds$w * ds$x) / sum(ds$w) else NA
      out[[length(out) + 1]] <<- data.frame(indicator = id, group = g, subgroup = s, year = y,
                                             value = v, n = nrow(ds))
    }
  }
}
for (y in years) {
  R <- reg[[as.character(y)]]
  b <- R$b
  b$area <- area_of(b$afdeling)
  b$w <- weights$weight[match(b$area, weights$omraadetype)]
  get <- function(tab, col) tab[[col]][match(b$PNR, tab$PNR)]
  enr <- get(R$u, "i_uddannelse"); udd <- get(R$u, "UDD")
  hours <- get(R$h, "LOENTIMER"); beskst <- get(R$r, "BESKST")
  kl <- get(R$f, "KLASSETRIN"); abs <- get(R$f, "FRAVAER_PCT"); exam <- get(R$f, "AFGANGSPROEVE")
  a <- b$ALDER
  term <- function(x) !is.na(x) & x                             # a missing value: false
  pop <- function(keep) b[keep, ]
  # share: condition 0/1 for everyone in the population
  p <- a >= 14 & a <= 16 & term(enr == 1) & term(udd < 3000)
  emit("fritidsjob", y, pop(p), as.numeric(term(hours >= 110))[p] * 100)
  p <- a >= 12 & a <= 14
  emit("fravaer", y, pop(p), abs[p])
  p <- a >= 30 & a <= 49 & b$KOEN == "K"
  emit("kvinder_udd", y, pop(p), 100 * term(enr == 1)[p])
  p <- a >= 16 & a <= 24
  emit("neet", y, pop(p), 100 * (term(enr == 0) & term(beskst != 1))[p], "herkomst")
  emit("neet_all", y, pop(p), 100 * (term(enr == 0) & term(beskst != 1))[p])
  p <- term(kl >= 8)
  emit("fravaer10", y, pop(p), 100 * term(abs > 10)[p], c("KOEN", "herkomst"))
  p <- a >= 25 & a <= 50
  emit("beskaeftigelse", y, pop(p), 100 * term(beskst == 1)[p], "herkomst")
  # rate: distinct (case, date) events in year y per 1,000
  k <- R$k[format(as.Date(R$k$GERNINGSDATO), "%Y") == as.character(y) & R$k$KATEGORI == "sigtelse", ]
  k <- unique(k[, c("PNR", "SAGSNR", "GERNINGSDATO")])
  ev <- as.numeric(table(factor(k$PNR, levels = b$PNR)))
  p <- a >= 15 & a <= 20
  emit("sigtelser", y, pop(p), 1000 * ev[p])
  # poverty, the register's equivalised income
  eq <- get(R$i, "FAMAEKVIVADISP")
  wmedian <- function(x, w) { o <- order(x); x <- x[o]; w <- w[o]; x[which(cumsum(w) >= sum(w) / 2)[1]] }
  ok <- !is.na(eq)
  line <- 0.5 * wmedian(eq[ok], b$w[ok])
  p <- a >= 0 & a <= 6
  emit("fattigdom", y, pop(p), 100 * ifelse(is.na(eq), NA, eq < line)[p], "herkomst")
  # poverty, modified OECD scale over the family, wealth limit 500,000, students left out
  inc <- get(R$i, "FAMDISPON_NY"); wealth <- get(R$i, "FORMUE")
  older <- ave(a >= 14, b$FAMILIE_ID, FUN = sum); kids <- ave(a < 14, b$FAMILIE_ID, FUN = sum)
  scale <- ifelse(older > 0, 1 + 0.5 * (older - 1) + 0.3 * kids, 1 + 0.3 * (kids - 1))
  adult <- a >= 18
  studying <- ave(adult & term(enr == 1), b$FAMILIE_ID, FUN = sum)
  adults <- ave(adult, b$FAMILIE_ID, FUN = sum)
  student_family <- adults > 0 & studying == adults
  eq2 <- ifelse(student_family, NA, inc / scale)
  ok <- !is.na(eq2)
  line2 <- 0.5 * wmedian(eq2[ok], b$w[ok])
  poor <- ifelse(is.na(eq2), NA, eq2 < line2 & !(term(wealth > 500000)))
  emit("fattigdom_oecd", y, pop(p), 100 * poor[p])
}
# ---- across years: recidivism, debut age, persistence (history 2014-2016) ----
ev <- unique(do.call(rbind, lapply(reg, function(R) R$k[, c("PNR", "GERNINGSDATO")])))
ev$d <- as.Date(ev$GERNINGSDATO)
ev <- ev[order(ev$PNR, ev$d), ]
first <- tapply(ev$d, ev$PNR, min)
for (y in years) {
  R <- reg[[as.character(y)]]
  b <- R$b
  b$area <- area_of(b$afdeling)
  b$w <- weights$weight[match(b$area, weights$omraadetype)]
  a <- b$ALDER
  if (y <= max(years) - 2) { # recidivism: the index is the first event of the year
    rec <- sapply(b$PNR, function(p) {
      d <- ev$d[ev$PNR == p]
      d_y <- d[format(d, "%Y") == as.character(y)]
      if (!length(d_y)) return(NA)
      idx <- min(d_y)
      as.numeric(any(d > idx & d <= idx + 730))
    })
    p <- a >= 10 & a <= 25
    emit("recidiv", y, b[p, ], 100 * rec[p])
  }
  fd <- as.Date(first[b$PNR], origin = "1970-01-01")  # debut: first event on record
  bd <- as.Date(b$FOED_DAG)
  seen <- as.numeric(format(bd, "%Y")) + 10 >= min(years)
  debut_here <- !is.na(fd) & format(fd, "%Y") == as.character(y) & seen
  completed <- function(from, to) {
    yy <- as.numeric(format(to, "%Y")) - as.numeric(format(from, "%Y"))
    yy - (format(to, "%m%d") < format(from, "%m%d"))
  }
  emit("debut", y, b, ifelse(debut_here, completed(bd, fd), NA))
}
# poverty three years in a row (2014-2016), the register's equivalised income, for 2016
below <- lapply(reg, function(R) {
  b <- R$b
  area <- area_of(b$afdeling)
  w <- weights$weight[match(area, weights$omraadetype)]
  eq <- R$i$FAMAEKVIVADISP[match(b$PNR, R$i$PNR)]
  ok <- !is.na(eq)
  wmedian <- function(x, w) { o <- order(x); x <- x[o]; w <- w[o]; x[which(cumsum(w) >= sum(w) / 2)[1]] }
  line <- 0.5 * wmedian(eq[ok], w[ok])
  b$PNR[ok & eq < line]
})
R <- reg[["2016"]]
b <- R$b
b$area <- area_of(b$afdeling)
b$w <- weights$weight[match(b$area, weights$omraadetype)]
eq <- R$i$FAMAEKVIVADISP[match(b$PNR, R$i$PNR)]
p <- b$ALDER >= 0 & b$ALDER <= 6
poor3 <- ifelse(is.na(eq), NA, b$PNR %in% below[["2016"]] & b$PNR %in% below[["2015"]] &
                               b$PNR %in% below[["2014"]])
emit("fattigdom_3aar", 2016, b[p, ], 100 * poor3[p])
# persistence: the NEET of 2014 by their area then, NEET in 2016 whatever their age or area
R0 <- reg[["2014"]]; R2 <- reg[["2016"]]
b0 <- R0$b
b0$area <- area_of(b0$afdeling)
b0$w <- weights$weight[match(b0$area, weights$omraadetype)]
neet_in <- function(R, ids) {
  e <- R$u$i_uddannelse[match(ids, R$u$PNR)]; s <- R$r$BESKST[match(ids, R$r$PNR)]
  (!is.na(e) & e == 0) & (!is.na(s) & s != 1)
}
base <- b0[b0$ALDER >= 16 & b0$ALDER <= 24 & neet_in(R0, b0$PNR), ]
present <- base$PNR %in% R2$b$PNR
still <- ifelse(present, neet_in(R2, base$PNR), NA)
for (g in c("udsat", "almen", "befolkning")) {
  d <- if (g == "befolkning") base else base[base$area == g, ]
  st <- if (g == "befolkning") still else still[base$area == g]
  ok <- !is.na(st)
  out[[length(out) + 1]] <- data.frame(indicator = "neet_persist", group = g, subgroup = "all",
                                       year = 2016, value = 100 * sum(d$w[ok] * st[ok]) / sum(d$w[ok]),
                                       n = nrow(d), gone = sum(!ok))
}
out <- lapply(out, function(x) { if (is.null(x$gone)) x$gone <- NA; x })
res <- do.call(rbind, out)
write.csv(res, "tests/ref/ind/expected.csv", row.names = FALSE, na = "", quote = FALSE)
cat("tests/ref/ind/expected.csv:", nrow(res), "cells\n")
