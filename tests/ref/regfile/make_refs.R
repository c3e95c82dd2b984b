# Reference values for tests/test_regfile.c: every SAS, Stata and SPSS test file in tests/data,
# read by R's haven (which wraps ReadStat, like effekt) and written as CSV:
#   dates and datetimes as YYYY-MM-DD (datetimes floored to their day, UTC), times (hms) as
#   seconds, numbers with 17 significant digits, missing and empty strings as empty fields.
# Value labels go to <file>.labels.csv (column,value,label).
# Run from the project root:  Rscript tests/ref/regfile/make_refs.R
# Independent references for the files taken from epam/parso are parso's own CSVs
# (parso_*.csv, written by parso's Java reader), committed as published.
suppressMessages(library(haven))
out <- "tests/ref/regfile"
cell <- function(x) {
  if (inherits(x, "Date")) return(ifelse(is.na(x), "", format(x, "%Y-%m-%d")))
  if (inherits(x, "POSIXct")) return(ifelse(is.na(x), "", format(as.Date(x, tz = "UTC"), "%Y-%m-%d")))
  if (inherits(x, "hms")) x <- as.numeric(x)
  if (is.character(x)) return(ifelse(is.na(x) | x == "", "", x))
  x <- as.numeric(zap_labels(x))
  ifelse(is.na(x), "", sprintf("%.17g", x))
}
files <- c(list.files("tests/data/sas", "\\.sas7bdat$", full.names = TRUE),
           list.files("tests/data/stata", "\\.dta$", full.names = TRUE),
           list.files("tests/data/spss", "\\.sav$", full.names = TRUE))
for (f in files) {
  base <- basename(f)
  catalog <- sub("\\.sas7bdat$", ".sas7bcat", f)
  if (grepl("sas7bdat$", f) && !file.exists(catalog)) catalog <- file.path(dirname(f), "formats.sas7bcat")
  d <- if (grepl("sas7bdat$", f)) {
    if (base %in% c("hadley.sas7bdat", "tagged-na.sas7bdat")) read_sas(f, catalog) else read_sas(f)
  } else if (grepl("dta$", f)) read_dta(f) else read_sav(f, user_na = FALSE)
  cols <- lapply(d, cell)
  df <- as.data.frame(cols, stringsAsFactors = FALSE, optional = TRUE)
  names(df) <- names(d)
  write.csv(df, file.path(out, paste0(base, ".csv")), row.names = FALSE, na = "")
  lab <- do.call(rbind, lapply(names(d), function(n) {
    l <- attr(d[[n]], "labels")
    if (is.null(l)) return(NULL)
    l <- l[!is.na(l)]
    if (!length(l)) return(NULL)
    data.frame(column = n, value = if (is.numeric(l)) sprintf("%.17g", unclass(l)) else unclass(l),
               label = names(l), stringsAsFactors = FALSE)
  }))
  if (!is.null(lab)) write.csv(lab, file.path(out, paste0(base, ".labels.csv")), row.names = FALSE)
}
writeLines(c(sprintf("Made by: Rscript tests/ref/regfile/make_refs.R"),
             sprintf("R %s, haven %s, on %s", getRversion(), packageVersion("haven"), Sys.Date())),
           file.path(out, "SOURCE.txt"))
