package report

// spellingsTip heads a skill's tooltip: each raw spelling with the number of
// vacancies that list it. A vacancy listing two spellings of one skill
// («MS Excel» and «Excel») counts for both, so the numbers may add up to
// more than the skill's vacancies.
const spellingsTip = "написания и число вакансий с каждым (вакансия с двумя написаниями учтена в обоих): "
