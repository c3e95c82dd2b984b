# tests/ref/survey/make_wilson_refs.R - reference Wilson score intervals for
# tests/test_survey.c: R's prop.test(x, n, correct = FALSE)$conf.int (the Wilson interval
# without continuity correction) at 95%, for cases from the edges (0 and n successes, n = 1)
# to the survey's sizes. Run from the project root: Rscript tests/ref/survey/make_wilson_refs.R
cases <- data.frame(x = c(0, 1, 5, 53, 70, 364, 1, 0, 40, 99),
                    n = c(10, 1, 10, 100, 97, 366, 2, 1, 57, 100))
ci <- t(mapply(function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int,
               cases$x, cases$n))
out <- data.frame(x = cases$x, n = cases$n, low = sprintf("%.17g", ci[, 1]),
                  high = sprintf("%.17g", ci[, 2]))
write.csv(out, "tests/ref/survey/wilson.csv", row.names = FALSE, quote = FALSE)
