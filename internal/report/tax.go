package report

import "github.com/hhjobs/hhjobs/internal/analytics"

// taxNote finishes the method list's tax line: the scales in force, from the data of analytics.
var taxNote = func() string {
	s := " по шкале НДФЛ налогового резидента на дату первого появления вакансии, годовой доход = 12 × месячный: до 2021 г. — " +
		analytics.NDFLScales[0].Describe()
	for _, x := range analytics.NDFLScales[1:] {
		s += "; с " + fmtDate(x.From) + " — " + x.Describe()
	}
	return s + ". Зарплаты в валюте облагаются так же, по рублёвому эквиваленту (как доход резидента РФ)."
}()
