# bench/run_country_r.R WORLD - the peer of bench/run_country.sh: data.table::fread of the
# columns effekt's evaluation reads, from the same register-years (2011-2019), on 2 threads.
# Prints the wall seconds of the second of two passes (a warm page cache, as effekt's).
suppressMessages(library(data.table))
setDTthreads(2)
world <- commandArgs(TRUE)[1]
cols <- list(bef = c("PNR", "KOEN", "ALDER", "herkomst", "hovedstad", "FAMILIE_TYPE", "ANTBOERNF",
                     "MOR_ID", "FAR_ID", "afdeling"),
             udda = c("PNR", "erhvkomp", "i_uddannelse", "UDD"),
             bfl = c("PNR", "LOENTIMER"), fravaer = c("PNR", "FRAVAER_PCT"))
read_all <- function() {
  for (y in 2011:2019) for (r in names(cols)) {
    d <- fread(file.path(world, paste0(r, y, ".csv")), select = cols[[r]],
               colClasses = list(character = intersect(c("PNR", "MOR_ID", "FAR_ID"), cols[[r]])))
    rm(d)
  }
}
read_all()
cat(sprintf("%.2f\n", system.time(read_all())[["elapsed"]]))
