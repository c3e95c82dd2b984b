/* effekt.h - umbrella header of libeffekt: includes the public module headers, nothing else. */
#ifndef EFFEKT_H
#define EFFEKT_H

#define EFFEKT_VERSION "0.1.0"

#include "atomic.h"
#include "balance.h"
#include "csv.h"
#include "date.h"
#include "describe.h"
#include "design.h"
#include "config.h"
#include "dict.h"
#include "funding.h"
#include "digest.h"
#include "did.h"
#include "disclosure.h"
#include "eval.h"
#include "glm.h"
#include "indicator.h"
#include "labels.h"
#include "match.h"
#include "mem.h"
#include "panel.h"
#include "parallel.h"
#include "persons.h"
#include "pscore.h"
#include "regfile.h"
#include "rng.h"
#include "sim.h"
#include "sim_check.h"
#include "status.h"
#include "survey.h"
#include "table.h"
#include "tableset.h"
#include "wildboot.h"

#endif
