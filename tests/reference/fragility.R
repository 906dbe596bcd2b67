# Reference values for explorer.stats.fragility (tests/stats/test_fragility.py).
#
# Written independently of the Python code, with loops over base R fisher.test
# (two-sided; R counts tables with probability <= p_obs * (1 + 1e-7) as "as extreme"):
#   fragility index (Walsh et al., J Clin Epidemiol 2014;67:622-8): significant result;
#     in the group with fewer events (tie: lower proportion; if that group has the higher
#     proportion, the other group), change non-events to events one at a time until p >= alpha.
#   reverse fragility index (Khan et al., JAMA Netw Open 2020;3:e2012469): non-significant
#     result; each of the four single-group moves (group 1 or 2, events up or down) is run
#     until p < alpha or the group runs out; the index is the smallest count (NA if none).
#
# Run: cd tests/reference && Rscript fragility.R   (writes fragility.json)

library(jsonlite)

fisher_p <- function(k1, n1, k2, n2) {
  fisher.test(matrix(c(k1, n1 - k1, k2, n2 - k2), 2, byrow = TRUE))$p.value
}

# Changes needed when group `g` moves by `step` (+1: non-event -> event, -1: event ->
# non-event) until stop(p) holds; NA if the group runs out of patients first.
run_move <- function(k1, n1, k2, n2, g, step, stop) {
  k <- c(k1, k2); n <- c(n1, n2); changes <- 0
  repeat {
    k[g] <- k[g] + step
    if (k[g] < 0 || k[g] > n[g]) return(list(changes = NA, p = NA))
    changes <- changes + 1
    p <- fisher_p(k[1], n1, k[2], n2)
    if (stop(p)) return(list(changes = changes, p = p))
  }
}

fragility <- function(k1, n1, k2, n2, alpha = 0.05) {
  p0 <- fisher_p(k1, n1, k2, n2)
  r <- c(k1 / n1, k2 / n2)
  if (p0 < alpha) {
    g <- if (k1 != k2) (if (k1 < k2) 1 else 2) else (if (r[1] < r[2]) 1 else 2)
    if (r[g] > r[3 - g]) g <- 3 - g
    m <- run_move(k1, n1, k2, n2, g, +1, function(p) p >= alpha)
    moves <- list(list(group = g, step = 1, changes = m$changes, p = m$p))
    return(list(k1 = k1, n1 = n1, k2 = k2, n2 = n2, alpha = alpha, p_initial = p0,
                significant = TRUE, index = m$changes, group = g, step = 1,
                p_final = m$p, moves = moves))
  }
  moves <- list()
  for (g in 1:2) for (step in c(1, -1)) {
    m <- run_move(k1, n1, k2, n2, g, step, function(p) p < alpha)
    moves[[length(moves) + 1]] <- list(group = g, step = step, changes = m$changes, p = m$p)
  }
  counts <- sapply(moves, function(m) m$changes)
  if (all(is.na(counts))) {
    best <- list(changes = NA, group = NA, step = NA, p = NA)
  } else {
    best <- moves[[which.min(counts)]]
  }
  list(k1 = k1, n1 = n1, k2 = k2, n2 = n2, alpha = alpha, p_initial = p0,
       significant = FALSE, index = best$changes, group = best$group, step = best$step,
       p_final = best$p, moves = moves)
}

cases <- list(
  # PALMIRA (ASCO 2023 abstract 1001), counts reconstructed from the printed percentages
  palmira_ae_g34 = fragility(61, 135, 5, 60),   # grade 3-4 AEs 45.2% vs 8.3%
  palmira_orr = fragility(6, 94, 1, 44),        # ORR 6.4% vs 2.3%
  palmira_cbr = fragility(31, 94, 13, 44),      # CBR 33.0% vs 29.5%
  # Fisher's lady tasting tea (Fisher 1935; the worked Fisher test in Agresti, Categorical
  # Data Analysis): 3/4 vs 1/4, no single-group change reaches p < 0.05
  tea = fragility(3, 4, 1, 4),
  # Agresti's cancer-of-the-larynx example (Categorical Data Analysis, small-sample tests):
  # cancer controlled with surgery 21/23 vs radiation therapy 15/18 (two-sided p 0.64)
  larynx = fragility(21, 23, 15, 18),
  # equal groups, significant: 10/100 vs 25/100
  equal_100 = fragility(10, 100, 25, 100),
  # unequal groups where the group with fewer events has the higher proportion
  fewer_events_higher_risk = fragility(10, 20, 20, 200),
  # a different alpha
  alpha_01 = fragility(10, 100, 25, 100, alpha = 0.01)
)

out <- list(generated_with = paste(R.version.string, "(base R fisher.test)"), cases = cases)
write_json(out, "fragility.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
