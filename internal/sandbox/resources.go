package sandbox

import "net/http"

// The /areas/{id} and /employers/{id} resources.

type areaPrepJSON struct {
	*areaNode
	NamePrepositional string `json:"name_prepositional"`
}

func (s *Server) handleArea(w http.ResponseWriter, r *http.Request, id string) {
	a := s.ref.areas[id]
	if a == nil {
		s.notFound(w, r)
		return
	}
	switch c := r.URL.Query().Get("additional_case"); c {
	case "":
		s.writeJSON(w, r, http.StatusOK, a)
	case "prepositional":
		// approximation: hh.ru's real declension is not in our data
		s.writeJSON(w, r, http.StatusOK, areaPrepJSON{a, "в " + a.Name})
	default:
		s.writeErrors(w, r, http.StatusBadRequest, "Bad Request", apiError{Type: "bad_argument", Value: c})
	}
}

type employerJSON struct {
	AccreditedIT      bool                `json:"accredited_it_employer"`
	AlternateURL      string              `json:"alternate_url"`
	ApplicantServices applicantServices   `json:"applicant_services"`
	Area              areaRefJSON         `json:"area"`
	BrandedDesc       *string             `json:"branded_description"`
	Branding          *struct{}           `json:"branding"`
	Description       string              `json:"description"`
	ID                string              `json:"id"`
	Industries        []idName            `json:"industries"`
	InsiderInterviews []insiderInterviews `json:"insider_interviews"`
	LogoURLs          *logoURLs           `json:"logo_urls"`
	Name              string              `json:"name"`
	OpenVacancies     int                 `json:"open_vacancies"`
	Relations         []string            `json:"relations"`
	SiteURL           string              `json:"site_url"`
	Trusted           bool                `json:"trusted"`
	Type              string              `json:"type"`
	VacanciesURL      string              `json:"vacancies_url"`
}

type applicantServices struct {
	TargetEmployer struct {
		Count int `json:"count"`
	} `json:"target_employer"`
}

type insiderInterviews struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func (s *Server) handleEmployer(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.RLock()
	e := s.employers[id]
	open := 0
	if e != nil {
		for _, v := range s.vacs {
			if v.emp == e && !v.archived && !v.removed {
				open++
			}
		}
	}
	s.mu.RUnlock()
	if e == nil || id == "" {
		s.notFound(w, r)
		return
	}
	s.writeJSON(w, r, http.StatusOK, employerJSON{
		AccreditedIT:      e.accredited,
		AlternateURL:      siteBase + "/employer/" + e.id,
		Area:              s.areaRef(e.area),
		Description:       e.descr,
		ID:                e.id,
		Industries:        append([]idName{}, e.industries...),
		InsiderInterviews: []insiderInterviews{},
		LogoURLs:          e.logo,
		Name:              e.name,
		OpenVacancies:     open,
		Relations:         []string{},
		SiteURL:           e.site,
		Trusted:           e.trusted,
		Type:              e.typ,
		VacanciesURL:      apiBase + "/vacancies?employer_id=" + e.id,
	})
}
