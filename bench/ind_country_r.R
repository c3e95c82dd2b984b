# bench/ind_country_r.R WORLD - the peer of bench/ind_country.sh: data.table::fread of the
# columns the example's indicators read, from the same register-years (2011-2018; krim
# 2008-2020), on 2
# threads. Prints the wall seconds of the second of two passes (a warm page cache).
suppressMessages(library(data.table))
setDTthreads(2)
world <- commandArgs(TRUE)[1]
cols <- list(bef = c("PNR", "KOEN", "ALDER", "herkomst", "afdeling"),
             udda = c("PNR", "erhvkomp", "i_uddannelse", "UDD"),
             bfl = c("PNR", "LOENTIMER"),
             fravaer = c("PNR", "KLASSETRIN", "FRAVAER_PCT", "AFGANGSPROEVE"),
             ras = c("PNR", "BESKST"), ind = c("PNR", "FAMAEKVIVADISP"),
             krim = c("PNR", "SAGSNR", "GERNINGSDATO", "KATEGORI"))
read_all <- function() {
  for (y in 2008:2020) for (r in names(cols)) {
    if (r != "krim" && (y < 2011 || y > 2018)) next # the events' history spans 2008-2020
    d <- fread(file.path(world, paste0(r, y, ".csv")), select = cols[[r]],
               colClasses = list(character = "PNR"))
    rm(d)
  }
}
read_all()
cat(sprintf("%.2f\n", system.time(read_all())[["elapsed"]]))
